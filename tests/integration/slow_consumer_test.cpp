// A reader that stops reading is cut off with close code 4008 once its outbound queue passes the
// limit; the others in its room are not slowed down or cut, and the slow one resumes without
// loss.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <memory>
#include <mutex>
#include <thread>

#include "client_support.hpp"
#include "itest_support.hpp"
#include "server_process.hpp"
#include "ws_probe.hpp"

namespace herald::test {
namespace {

constexpr int kFast = 3;
constexpr int kPayloadBytes = 8192;
constexpr int kMaxMessages = 4000;  // 32 MiB: far more than any socket buffer holds
const std::string kSlowCloses = "herald_slow_consumer_closes_total";

TEST(SlowConsumer, IsClosedWith4008WhileOthersGetEverythingAndResumesExactly) {
  ServerProcess server({"--outbound-queue-bytes", "65536"});
  server.start();
  const std::string room = "slow-room";

  // Fast readers on their own thread, so that they keep reading while this one publishes.
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::mutex guard;
  std::vector<std::unique_ptr<Subscriber>> fast;
  for (int i = 0; i < kFast; ++i) {
    fast.push_back(
        std::make_unique<Subscriber>(io, server.ws_url(), std::vector{room}, Seq{0}, &guard));
  }
  std::thread runner([&] { io.run(); });
  const auto stop_fast = [&] {
    boost::asio::post(io, [&] {
      for (auto& s : fast)
        s->stop();
      work.reset();
    });
    runner.join();
  };
  const auto fast_joined = [&] {
    std::lock_guard lock(guard);
    return std::all_of(fast.begin(), fast.end(), [](const auto& s) { return s->joins == 1; });
  };
  if (!eventually(fast_joined)) {
    stop_fast();
    FAIL() << "fast readers did not join within 60 s";
  }

  // The slow reader: a tiny receive buffer, and it stops reading after `joined`.
  WsProbe slow(server.port(), 4096);
  slow.hello();
  const json::object slow_joined = slow.join(room);
  EXPECT_EQ(num(slow_joined, "from"), 1);

  Api api(server);
  std::vector<std::uint64_t> expected;  // element seq - 1: digest of what was acked as seq
  const std::string pad(kPayloadBytes, 'x');
  const auto publish = [&] {
    const int n = static_cast<int>(expected.size()) + 1;
    const std::string id = "slow-" + std::to_string(n);
    const json::value data = {{"n", n}, {"pad", pad}};
    const json::object ack = api.publish(room, data, id);
    EXPECT_EQ(num(ack, "seq"), n) << json::serialize(ack);
    expected.push_back(digest(id, data));
  };
  // Checked every few messages: the server gives a closed slow reader only 5 s to take its close
  // frame, so it must start reading again soon after.
  while (metric(server, kSlowCloses) < 1 && expected.size() < kMaxMessages) {
    for (int i = 0; i < 4; ++i)
      publish();
  }
  const int published_while_slow = static_cast<int>(expected.size());

  std::deque<json::object> frames;
  const int code = slow.read_until_close(frames);
  EXPECT_EQ(code, 4008) << "after " << published_while_slow << " messages of " << kPayloadBytes
                        << " bytes; the slow reader's connection ended with: " << slow.error();
  DeliveryLog slow_log;
  slow_log.joined(room, num(slow_joined, "from"), true);
  for (const json::object& frame : frames) {
    if (str(frame, "op") == "msg") {
      slow_log.msg(frame);
    } else {
      slow_log.problem("unexpected frame " + json::serialize(frame));
    }
  }
  const std::int64_t last_seen = static_cast<std::int64_t>(slow_log.count(room));
  RecordProperty("published_before_the_close", published_while_slow);
  RecordProperty("seen_by_the_slow_reader", static_cast<int>(last_seen));
  EXPECT_TRUE(slow_log.problems().empty()) << slow_log.problems_text();
  EXPECT_LT(last_seen, published_while_slow) << "the slow reader was sent everything anyway";
  EXPECT_TRUE(slow_log.delivered(
      room,
      std::vector(expected.begin(), expected.begin() + static_cast<std::ptrdiff_t>(last_seen))));

  // A new session of the slow reader resumes right after the last message it saw.
  WsProbe again(server.port());
  again.hello();
  const json::object joined = again.join(room, last_seen);
  EXPECT_EQ(num(joined, "from"), last_seen + 1) << json::serialize(joined);
  EXPECT_EQ(num(joined, "seq"), published_while_slow) << json::serialize(joined);
  EXPECT_TRUE(joined.at("recovered").as_bool()) << json::serialize(joined);
  DeliveryLog resumed;
  resumed.joined(room, num(joined, "from"), true);
  while (resumed.count(room) < static_cast<std::size_t>(published_while_slow - last_seen)) {
    const auto frame = again.next();
    if (!frame || str(*frame, "op") != "msg") {
      resumed.problem(frame ? "unexpected " + json::serialize(*frame) : "ended: " + again.error());
      break;
    }
    resumed.msg(*frame);
  }
  publish();  // nothing but this one may follow the replay
  if (const auto frame = again.next(); frame && str(*frame, "op") == "msg") {
    resumed.msg(*frame);
  } else {
    resumed.problem("expected the message published after the replay, got " +
                    (frame ? json::serialize(*frame) : again.error()));
  }
  EXPECT_TRUE(resumed.problems().empty()) << resumed.problems_text();
  EXPECT_TRUE(resumed.delivered(room, expected, last_seen + 1));

  // The fast readers got everything, in order, and were never cut off.
  const auto fast_done = [&] {
    std::lock_guard lock(guard);
    return std::all_of(fast.begin(), fast.end(),
                       [&](const auto& s) { return s->log.count(room) == expected.size(); });
  };
  const bool all_delivered = eventually(fast_done);
  stop_fast();
  EXPECT_TRUE(all_delivered) << "fast readers did not get all " << expected.size()
                             << " messages within 60 s";
  for (int i = 0; i < kFast; ++i) {
    SCOPED_TRACE("fast reader " + std::to_string(i));
    EXPECT_TRUE(fast[i]->log.problems().empty()) << fast[i]->log.problems_text();
    EXPECT_TRUE(fast[i]->disconnects.empty()) << fast[i]->disconnects.front();
    EXPECT_TRUE(fast[i]->log.delivered(room, expected));
  }
  EXPECT_EQ(metric(server, kSlowCloses), 1) << "only the slow reader may be cut off";
  EXPECT_TRUE(healthy(server));
}

}  // namespace
}  // namespace herald::test
