// Durable before ack: a server killed with SIGKILL mid-stream loses no acknowledged message,
// stores none twice (publishes are resent with the same id), and every subscriber ends up with
// every message exactly once, in order.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <memory>

#include "client_support.hpp"
#include "itest_support.hpp"
#include "server_process.hpp"

namespace herald::test {
namespace {

constexpr int kSubscribers = 5;
constexpr int kMessages = 1500;
constexpr int kInFlight = 50;

TEST(Crash, AcknowledgedMessagesSurviveKill9AndArriveExactlyOnce) {
  ServerProcess server({"--publish-rate", "1000000", "--publish-burst", "1000000"});
  server.start();
  const std::vector<std::string> rooms = {"crash-a", "crash-b", "crash-c"};

  boost::asio::io_context io;
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (int i = 0; i < kSubscribers; ++i) {
    subscribers.push_back(std::make_unique<Subscriber>(io, server.ws_url(), rooms, Seq{0}));
  }
  ASSERT_TRUE(run_until(io, [&] {
    return std::all_of(subscribers.begin(), subscribers.end(),
                       [&](const auto& s) { return s->joins == static_cast<int>(rooms.size()); });
  })) << "subscribers did not join within 60 s";

  TrackedPublisher publisher(io, server.ws_url(), rooms, kMessages, kInFlight);
  publisher.start();
  ASSERT_TRUE(run_until(io, [&] { return publisher.acked() >= kMessages / 3; }))
      << "only " << publisher.acked() << " acks within 60 s";

  server.kill9();
  // Everyone notices, while the publisher's unacked messages wait to be resent.
  const bool noticed = run_until(io, [&] {
    return std::all_of(subscribers.begin(), subscribers.end(),
                       [](const auto& s) { return !s->disconnects.empty(); });
  });
  EXPECT_TRUE(noticed) << "subscribers did not notice the crash within 60 s";
  const int acked_before_restart = publisher.acked();
  server.start();

  EXPECT_TRUE(deliver_everything(io, publisher, subscribers, kMessages));
  for (auto& s : subscribers)
    s->stop();
  publisher.stop();

  EXPECT_LT(acked_before_restart, kMessages) << "the crash came after the last publish";
  ASSERT_TRUE(publisher.all_acked_without_gaps());
  RecordProperty("resent_and_acked_as_duplicate", publisher.duplicates());

  Api api(server);
  for (const std::string& room : rooms) {
    EXPECT_TRUE(history_matches(api, room, publisher.expected(room)));
  }
  for (int i = 0; i < kSubscribers; ++i) {
    SCOPED_TRACE("subscriber " + std::to_string(i));
    const Subscriber& s = *subscribers[i];
    EXPECT_TRUE(s.log.problems().empty()) << s.log.problems_text();
    for (const std::string& room : rooms) {
      EXPECT_TRUE(s.log.delivered(room, publisher.expected(room)));
    }
  }
}

}  // namespace
}  // namespace herald::test
