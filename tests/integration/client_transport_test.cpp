// The C++ client over every transport against a real `herald serve`: thousands of messages in
// several rooms in order, with no gap or duplicate, across a crash (every connection dropped)
// and a graceful restart; publishing over POST /send; and falling back from WebSocket on its
// own when the edge does not offer it.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client_support.hpp"
#include "itest_support.hpp"
#include "server_process.hpp"

namespace herald::test {
namespace {

using client::Transport;

std::string transport_name(const ::testing::TestParamInfo<Transport>& info) {
  return std::string(client::to_string(info.param));
}

// Whether this server serves `transport` at all (polling is newer than the other two).
bool offered(const ServerProcess& server, Transport transport) {
  if (transport != Transport::longpoll && transport != Transport::poll) return true;
  return http(server, "GET", "/poll?rooms=probe&wait=0").first != 404;
}

bool all_joined(const std::vector<std::unique_ptr<Subscriber>>& subscribers, int rooms) {
  return std::all_of(subscribers.begin(), subscribers.end(),
                     [rooms](const auto& s) { return s->joins >= rooms; });
}

// SIGTERM (the edge drains: goaway, then every session ends) while the clients run on this
// thread, then a new server on the same data. start() stays on this thread: the server dies
// with the thread that forked it.
::testing::AssertionResult restart_gracefully(boost::asio::io_context& io, ServerProcess& server) {
  std::atomic<bool> stopped = false;
  std::thread stopper([&] {
    server.stop();
    stopped = true;
  });
  const bool done = run_until(
      io, [&] { return stopped.load(); }, 120s);
  stopper.join();
  if (!done) return ::testing::AssertionFailure() << "the server did not stop within 120 s";
  server.start();
  return ::testing::AssertionSuccess();
}

class ClientOver : public ::testing::TestWithParam<Transport> {};

TEST_P(ClientOver, EveryTransportDeliversInOrderAcrossACrashAndARestart) {
  constexpr int kSubscribers = 3;
  constexpr int kMessages = 5000;
  const std::vector<std::string> rooms = {"ct-a", "ct-b", "ct-c"};
  ServerProcess server({"--publish-rate", "1000000", "--publish-burst", "1000000"});
  server.start();
  if (!offered(server, GetParam())) GTEST_SKIP() << "this server does not serve /poll";

  boost::asio::io_context io;
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (int i = 0; i < kSubscribers; ++i) {
    subscribers.push_back(std::make_unique<Subscriber>(io, server.ws_url(), rooms, Seq{0}, nullptr,
                                                       std::vector{GetParam()}));
  }
  ASSERT_TRUE(run_until(io, [&] { return all_joined(subscribers, 3); }))
      << "subscribers did not join within 60 s:" << describe(subscribers);

  TrackedPublisher publisher(io, server.ws_url(), rooms, kMessages, 50);
  publisher.start();
  ASSERT_TRUE(run_until(io, [&] { return publisher.acked() >= kMessages / 3; }));
  server.kill9();  // every connection dropped at once, mid-stream
  server.start();
  ASSERT_TRUE(run_until(io, [&] { return publisher.acked() >= 2 * kMessages / 3; }))
      << "publisher: " << publisher.acked() << " acked;" << describe(subscribers);
  ASSERT_TRUE(restart_gracefully(io, server));

  EXPECT_TRUE(deliver_everything(io, publisher, subscribers, kMessages));
  for (auto& s : subscribers)
    s->stop();
  publisher.stop();
  ASSERT_TRUE(publisher.all_acked_without_gaps());
  for (int i = 0; i < kSubscribers; ++i) {
    SCOPED_TRACE("subscriber " + std::to_string(i));
    const Subscriber& s = *subscribers[i];
    EXPECT_EQ(s.transport(), GetParam());
    // A stream breaks at the crash and ends at the drain. A poller may notice neither: between
    // two polls there is nothing to break, and its channel retries an idle kept connection.
    const bool streams = GetParam() == Transport::websocket || GetParam() == Transport::sse;
    if (streams) {
      EXPECT_GE(s.disconnects.size(), 2u) << "did not see the crash and the restart";
    }
    EXPECT_TRUE(s.log.problems().empty()) << s.log.problems_text();
    for (const std::string& room : rooms)
      EXPECT_TRUE(s.log.delivered(room, publisher.expected(room)));
  }
}

// Publishes from a client of each transport reach a WebSocket member once each, in order, and
// every one is acked with its own seq.
TEST_P(ClientOver, PublishesAreAckedOnceAndDelivered) {
  constexpr int kMessages = 300;
  const std::string room = "ct-publish";
  ServerProcess server;
  server.start();
  if (!offered(server, GetParam())) GTEST_SKIP() << "this server does not serve /poll";

  boost::asio::io_context io;
  Subscriber member(io, server.ws_url(), {room}, Seq{0});
  // An event stream needs a room: the publisher follows the one it publishes to.
  client::Client publisher(io, {.url = server.ws_url(), .transports = {GetParam()}});
  publisher.join(room);
  publisher.start();
  ASSERT_TRUE(run_until(io, [&] { return member.joins == 1 && publisher.connected(); }));

  std::set<Seq> acked;
  std::vector<std::string> problems;
  for (int n = 1; n <= kMessages; ++n) {
    publisher.publish(room, R"({"n":)" + std::to_string(n) + "}", "p-" + std::to_string(n),
                      [&](const client::PublishResult& result) {
                        if (!result.ok() || !acked.insert(result.seq).second)
                          problems.push_back(std::string(result.frame) + std::string(result.error));
                      });
  }
  ASSERT_TRUE(run_until(io,
                        [&] {
                          return acked.size() + problems.size() == kMessages &&
                                 member.log.total() == kMessages;
                        }))
      << acked.size() << " acked, " << member.log.total() << " delivered";
  publisher.stop();
  member.stop();
  EXPECT_TRUE(problems.empty()) << problems.front();
  EXPECT_EQ(*acked.rbegin(), Seq{kMessages});
  EXPECT_TRUE(member.log.problems().empty()) << member.log.problems_text();
}

INSTANTIATE_TEST_SUITE_P(Each, ClientOver,
                         ::testing::Values(Transport::websocket, Transport::sse,
                                           Transport::longpoll, Transport::poll),
                         transport_name);

TEST(ClientFallback, WithoutWebSocketTheDefaultClientMovesToSseAndGetsEverything) {
  constexpr int kMessages = 200;
  const std::vector<std::string> rooms = {"fb-a", "fb-b"};
  ServerProcess server({"--transports", "sse,longpoll,poll"});
  server.start();
  Api api(server);
  std::vector<std::vector<std::uint64_t>> expected(rooms.size());
  for (std::size_t i = 0; i < rooms.size(); ++i)
    expected[i] = publish_many(api, rooms[i], kMessages / 2);

  boost::asio::io_context io;
  Subscriber subscriber(io, server.ws_url(), rooms, Seq{0}, nullptr, client::all_transports());
  ASSERT_TRUE(run_until(io, [&] { return subscriber.log.total() == kMessages; }))
      << subscriber.describe();
  for (std::size_t i = 0; i < rooms.size(); ++i)
    expected[i] = publish_many(api, rooms[i], kMessages / 2, expected[i]);
  ASSERT_TRUE(run_until(io, [&] { return subscriber.log.total() == 2 * kMessages; }))
      << subscriber.describe();
  subscriber.stop();

  EXPECT_EQ(subscriber.transport(), Transport::sse);
  ASSERT_EQ(subscriber.disconnects.size(), 1u) << subscriber.describe();
  EXPECT_NE(subscriber.disconnects.front().find("falling back to sse"), std::string::npos)
      << subscriber.disconnects.front();
  EXPECT_TRUE(subscriber.log.problems().empty()) << subscriber.log.problems_text();
  for (std::size_t i = 0; i < rooms.size(); ++i)
    EXPECT_TRUE(subscriber.log.delivered(rooms[i], expected[i]));
}

// A 503 with Retry-After is the edge asking to wait (here: full), not a reason to fall back.
TEST(ClientFallback, AFullEdgeIsWaitedForNotFledFrom) {
  ServerProcess server({"--max-connections", "1"});
  server.start();
  boost::asio::io_context io;
  Subscriber first(io, server.ws_url(), {"full"});
  ASSERT_TRUE(run_until(io, [&] { return first.joins == 1; }));
  Subscriber second(io, server.ws_url(), {"full"}, std::nullopt, nullptr, client::all_transports());
  ASSERT_TRUE(run_until(io, [&] { return !second.disconnects.empty(); }));
  first.stop();
  ASSERT_TRUE(run_until(io, [&] { return second.joins == 1; })) << second.describe();
  second.stop();
  EXPECT_EQ(second.transport(), Transport::websocket);
  EXPECT_NE(second.disconnects.front().find("503"), std::string::npos)
      << second.disconnects.front();
}

}  // namespace
}  // namespace herald::test
