// The storm's load generator reconnects by the client library's rules: its schedule, the
// server's words it honours, and the timer heap that wakes each connection when due.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "bench/reconnector.hpp"
#include "bench/timer_heap.hpp"

namespace herald::bench {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr client::BackoffPolicy kJitterOff{
    .base = milliseconds(100), .jitter = milliseconds(0), .cap = milliseconds(30'000)};

TEST(Reconnector, JitterOffDoublesFromTheBaseUntilAWelcome) {
  Reconnector reconnect(kJitterOff, 1);
  EXPECT_EQ(reconnect.on_lost(), milliseconds(100));
  EXPECT_EQ(reconnect.on_lost(), milliseconds(200));
  EXPECT_EQ(reconnect.on_lost(), milliseconds(400));
  reconnect.on_welcome();
  EXPECT_EQ(reconnect.on_lost(), milliseconds(100));
}

TEST(Reconnector, JitterOnSpreadsClientsLostTogether) {
  std::set<milliseconds::rep> first;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const milliseconds delay = Reconnector({}, seed).on_lost();
    EXPECT_GE(delay, milliseconds(100));
    EXPECT_LE(delay, milliseconds(1100));
    first.insert(delay.count());
  }
  EXPECT_GT(first.size(), 150u);
}

TEST(Reconnector, GoawayIsAFloorForTheCloseThatFollowsOnly) {
  Reconnector reconnect(kJitterOff, 1);
  reconnect.on_goaway(milliseconds(1000));
  EXPECT_EQ(reconnect.on_lost(), milliseconds(1000));
  EXPECT_EQ(reconnect.on_lost(), milliseconds(200));  // the goaway was that connection's
}

TEST(Reconnector, RetryAfterIsAFloorWithJitterOnTop) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Reconnector reconnect({}, seed);
    const milliseconds delay = reconnect.on_lost(milliseconds(2000));
    EXPECT_GE(delay, milliseconds(2000));
    EXPECT_LE(delay, milliseconds(3000));
  }
  Reconnector reconnect(kJitterOff, 1);
  reconnect.on_goaway(milliseconds(500));
  EXPECT_EQ(reconnect.on_lost(milliseconds(2000)), milliseconds(2000));  // the larger wait
}

TEST(GoawayDelay, ReadsReconnectMsAmongTheFrames) {
  EXPECT_EQ(goaway_delay(R"({"op":"msg","room":"a"})"), std::nullopt);
  EXPECT_EQ(goaway_delay("{\"op\":\"msg\"}\n{\"op\":\"goaway\",\"reconnect_ms\":1000}\n"),
            milliseconds(1000));
  EXPECT_EQ(goaway_delay(R"({"op":"goaway"})"), milliseconds(0));
  EXPECT_EQ(goaway_delay(R"({"op":"goaway","reconnect_ms":-5})"), milliseconds(0));
  EXPECT_EQ(goaway_delay(R"({"op":"goaway","reconnect_ms":99999999999})"), milliseconds(3'600'000));
}

TEST(TimerHeap, HandsOutWhatIsDueEarliestFirst) {
  const Clock::time_point t0 = Clock::now();
  TimerHeap heap;
  EXPECT_EQ(heap.earliest(), std::nullopt);
  heap.push(t0 + milliseconds(30), 3);
  heap.push(t0 + milliseconds(10), 1);
  heap.push(t0 + milliseconds(10), 0);
  heap.push(t0 + milliseconds(20), 2);
  EXPECT_EQ(heap.earliest(), t0 + milliseconds(10));
  EXPECT_EQ(heap.pop_due(t0), std::nullopt);
  std::vector<std::size_t> keys;
  while (const auto entry = heap.pop_due(t0 + milliseconds(20)))
    keys.push_back(entry->key);
  EXPECT_EQ(keys, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(heap.size(), 1u);
  EXPECT_EQ(heap.earliest(), t0 + milliseconds(30));
}

}  // namespace
}  // namespace herald::bench
