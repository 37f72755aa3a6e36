// `herald bench fanout` against a real `herald serve` whose losses are known: a clean server, and
// servers that drop, duplicate or cut off deliveries on purpose (the test build's hidden
// --fault-* options, src/transport/fault_hooks.hpp). The bench must report exactly what the
// server did: its loss and duplicate counts are what docs/performance.md rests on.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "itest_support.hpp"
#include "server_process.hpp"

namespace herald::test {
namespace {

// Small enough for the sanitized Debug server on a busy machine: 400 messages, 4000 deliveries.
constexpr std::int64_t kSubscribers = 20;
constexpr std::int64_t kRooms = 2;
constexpr std::int64_t kRate = 200;  // messages per second, both rooms together
constexpr std::int64_t kDuration = 2;
constexpr std::int64_t kPublished = kRate * kDuration;
// The publisher goes round-robin over the rooms, and subscriber n joins room n mod rooms.
constexpr std::int64_t kPerRoom = kPublished / kRooms;
constexpr std::int64_t kMembers = kSubscribers / kRooms;
constexpr std::int64_t kExpected = kPerRoom * kMembers * kRooms;
// The bench needs a few seconds; past this it is stuck, and the test says so.
constexpr Millis kBenchLimit = 120s;

// The --fault-* options exist only where HERALD_FAULT_HOOKS is on (with HERALD_TESTS, unless
// turned off).
#ifndef HERALD_FAULT_HOOKS
#error "the bench's tests need the server's fault hooks: configure with HERALD_TESTS=ON"
#endif

// Runs the fan-out scenario against `server` and returns the JSON result it wrote; a failure
// (with the bench's output) and an empty object if it did not finish.
json::object run_fanout(const ServerProcess& server) {
  const TempDir dir;
  return run_bench(
      {"fanout", "--server", "127.0.0.1:" + std::to_string(server.port()), "--server-pid",
       std::to_string(server.pid()), "--api-key", server.api_key(), "--subscribers",
       std::to_string(kSubscribers), "--rooms", std::to_string(kRooms), "--workers", "2", "--rate",
       std::to_string(kRate), "--duration", std::to_string(kDuration), "--timeout", "30"},
      dir.path() / "fanout.json", kBenchLimit);
}

std::int64_t counter(const ServerProcess& server, std::string_view series) {
  return static_cast<std::int64_t>(metric(server, series));
}

// What every run must have got right before its deliveries mean anything: everyone subscribed,
// every message published and acknowledged, so each room got kPerRoom.
void expect_full_publish(const json::object& result) {
  ASSERT_FALSE(result.empty());
  ASSERT_TRUE(result.at("all_subscribed").as_bool()) << json::serialize(result);
  ASSERT_EQ(num(result, "published"), kPublished) << json::serialize(result);
  ASSERT_EQ(num(result, "acked"), kPublished) << json::serialize(result);
  ASSERT_EQ(num(result, "publish_errors"), 0) << json::serialize(result);
  ASSERT_EQ(num(result, "expected"), kExpected) << json::serialize(result);
}

// The deliveries the latency timeline holds, over all its 100 ms windows.
std::int64_t timeline_deliveries(const json::object& result) {
  std::int64_t total = 0;
  for (const json::value& row :
       result.at("latency_timeline").at("start_s_deliveries_worst_ms").as_array())
    total += row.at(1).to_number<std::int64_t>();
  return total;
}

TEST(BenchFanout, CountsEveryDeliveryOfACleanServer) {
  ServerProcess server;
  server.start();
  const json::object result = run_fanout(server);
  expect_full_publish(result);
  if (HasFatalFailure()) return;
  SCOPED_TRACE(json::serialize(result));

  EXPECT_EQ(num(result, "delivered"), kExpected);
  // The server's own count of what it queued to sessions: the bench saw each exactly once.
  EXPECT_EQ(counter(server, "herald_messages_out_total"), kExpected);
  EXPECT_EQ(num(result, "lost"), 0);
  EXPECT_EQ(num(result, "duplicates"), 0);
  EXPECT_EQ(num(result, "out_of_order"), 0);
  EXPECT_EQ(num(result, "subscribers_lost"), 0);
  EXPECT_TRUE(result.at("clean").as_bool());

  // Every delivery lands in the 100 ms window it was sent in, and the windows span the run.
  EXPECT_EQ(timeline_deliveries(result), kExpected);
  const json::object& timeline = result.at("latency_timeline").as_object();
  const json::array& rows = timeline.at("start_s_deliveries_worst_ms").as_array();
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.front().at(0).to_number<double>(), 0);
  // The last message is due just before kDuration, and none is sent after the last answer.
  const double last_start = rows.back().at(0).to_number<double>();
  EXPECT_GE(last_start, kDuration - 0.5);
  EXPECT_LE(last_start, result.at("publish_s").to_number<double>() + 0.1);
  EXPECT_EQ(num(timeline, "windows"), static_cast<std::int64_t>(rows.size()));
}

TEST(BenchFanout, CountsEveryFrameTheServerDroppedAsLost) {
  constexpr std::int64_t kEvery = 7;
  ServerProcess server({"--fault-drop-every", std::to_string(kEvery)});
  server.start();
  const json::object result = run_fanout(server);
  expect_full_publish(result);
  if (HasFatalFailure()) return;
  SCOPED_TRACE(json::serialize(result));

  // Each connection skips its 7th, 14th, … msg frame: 28 of its room's 200.
  const std::int64_t dropped = counter(server, "herald_fault_dropped_total");
  EXPECT_EQ(dropped, kSubscribers * (kPerRoom / kEvery));
  EXPECT_EQ(num(result, "lost"), dropped);
  EXPECT_EQ(num(result, "delivered"), kExpected - dropped);
  EXPECT_EQ(num(result, "duplicates"), 0);
  // A gap is a loss, not a reordering: what follows it is still the highest yet.
  EXPECT_EQ(num(result, "out_of_order"), 0);
  EXPECT_EQ(num(result, "subscribers_lost"), 0);
  EXPECT_FALSE(result.at("clean").as_bool());
}

TEST(BenchFanout, CountsEveryFrameTheServerWroteTwiceAsADuplicate) {
  constexpr std::int64_t kEvery = 5;
  ServerProcess server({"--fault-duplicate-every", std::to_string(kEvery)});
  server.start();
  const json::object result = run_fanout(server);
  expect_full_publish(result);
  if (HasFatalFailure()) return;
  SCOPED_TRACE(json::serialize(result));

  const std::int64_t duplicated = counter(server, "herald_fault_duplicated_total");
  EXPECT_EQ(duplicated, kSubscribers * (kPerRoom / kEvery));
  EXPECT_EQ(num(result, "duplicates"), duplicated);
  // A second copy is not a second delivery, and the first copy was not lost.
  EXPECT_EQ(num(result, "delivered"), kExpected);
  // Its latency is still a latency the subscriber saw: the timeline holds both copies.
  EXPECT_EQ(timeline_deliveries(result), kExpected + duplicated);
  EXPECT_EQ(num(result, "lost"), 0);
  EXPECT_EQ(num(result, "out_of_order"), 0);
  EXPECT_EQ(num(result, "subscribers_lost"), 0);
  EXPECT_FALSE(result.at("clean").as_bool());
}

TEST(BenchFanout, CountsASubscriberCutOffMidRunAsGoneAndItsMissedMessagesAsLost) {
  constexpr std::int64_t kAfter = 50;
  ServerProcess server({"--fault-close-after", std::to_string(kAfter)});
  server.start();
  const json::object result = run_fanout(server);
  expect_full_publish(result);
  if (HasFatalFailure()) return;
  SCOPED_TRACE(json::serialize(result));

  // One subscriber got the first 50 of its room's 200, then a close frame; the other 19 stayed.
  EXPECT_EQ(counter(server, "herald_fault_closed_total"), 1);
  EXPECT_EQ(num(result, "subscribers_lost"), 1);
  EXPECT_EQ(result.at("close_reasons"),
            (json::value{{"close frame from the server: 1011 fault injected", 1}}));
  // Exactly its 150 missed messages: the others lost nothing.
  EXPECT_EQ(num(result, "lost"), kPerRoom - kAfter);
  EXPECT_EQ(num(result, "delivered"), kExpected - (kPerRoom - kAfter));
  EXPECT_EQ(num(result, "duplicates"), 0);
  EXPECT_EQ(num(result, "out_of_order"), 0);
  EXPECT_FALSE(result.at("clean").as_bool());
}

}  // namespace
}  // namespace herald::test
