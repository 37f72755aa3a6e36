#include "client/backoff.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <set>

#include "client/server_wait.hpp"

namespace herald::client {
namespace {

using std::chrono::milliseconds;
using Rep = milliseconds::rep;

// min(base · 2^attempt, cap), doubling only while below the cap so it cannot overflow.
Rep exponential(const BackoffPolicy& policy, unsigned attempt) {
  const Rep cap = policy.cap.count();
  Rep value = policy.base.count();
  for (unsigned i = 0; i < attempt && value < cap; ++i)
    value = value > cap / 2 ? cap : value * 2;
  return std::min(value, cap);
}

// min(base · 2^attempt + jitter, cap)
Rep upper_bound(const BackoffPolicy& policy, unsigned attempt) {
  const Rep low = exponential(policy, attempt);
  const Rep cap = policy.cap.count();
  return low >= cap ? cap : std::min(low + policy.jitter.count(), cap);
}

TEST(Backoff, EveryDelayIsWithinItsBounds) {
  const BackoffPolicy policy;  // 100 ms, 1 s, 30 s
  for (std::uint32_t seed = 1; seed <= 50; ++seed) {
    Backoff backoff(policy, seed);
    for (unsigned attempt = 0; attempt < 20; ++attempt) {
      const Rep delay = backoff.next().count();
      EXPECT_GE(delay, exponential(policy, attempt)) << "seed " << seed << " attempt " << attempt;
      EXPECT_LE(delay, upper_bound(policy, attempt)) << "seed " << seed << " attempt " << attempt;
    }
  }
}

TEST(Backoff, WithoutJitterItDoublesExactly) {
  Backoff backoff({.base = milliseconds(100), .jitter = milliseconds(0), .cap = milliseconds(1000)},
                  7);
  for (const Rep expected : {100, 200, 400, 800, 1000, 1000}) {
    EXPECT_EQ(backoff.next().count(), expected);
  }
}

TEST(Backoff, ReachesTheCapAndStaysThere) {
  const BackoffPolicy policy;
  Backoff backoff(policy, 42);
  // 100 ms · 2^9 = 51.2 s is past the 30 s cap: from attempt 9 on, jitter cannot lower it.
  for (unsigned attempt = 0; attempt < 9; ++attempt)
    backoff.next();
  for (unsigned attempt = 9; attempt < 30; ++attempt)
    EXPECT_EQ(backoff.next(), policy.cap);
}

TEST(Backoff, ResetStartsFromBaseAgain) {
  const BackoffPolicy policy;
  Backoff backoff(policy, 3);
  for (int i = 0; i < 12; ++i)
    backoff.next();
  EXPECT_EQ(backoff.attempt(), 12u);
  backoff.reset();
  EXPECT_EQ(backoff.attempt(), 0u);
  const milliseconds delay = backoff.next();
  EXPECT_GE(delay, policy.base);
  EXPECT_LE(delay, policy.base + policy.jitter);
}

TEST(Backoff, NoOverflowAtHugeAttempts) {
  Backoff usual(BackoffPolicy{}, 5);
  for (int i = 0; i < 100; ++i)
    usual.next();
  EXPECT_EQ(usual.next(), BackoffPolicy{}.cap);  // attempt 100

  // With the largest cap the shift itself would overflow if it were not guarded.
  const BackoffPolicy huge{.base = milliseconds(1),
                           .jitter = milliseconds(1000),
                           .cap = milliseconds(std::numeric_limits<Rep>::max())};
  Backoff backoff(huge, 5);
  Rep previous_floor = 0;
  for (unsigned attempt = 0; attempt <= 100; ++attempt) {
    const Rep delay = backoff.next().count();
    const Rep floor = attempt < 62 ? Rep{1} << attempt : huge.cap.count();
    EXPECT_GE(delay, floor) << "attempt " << attempt;
    EXPECT_GE(floor, previous_floor);
    previous_floor = floor;
  }
}

TEST(Backoff, JitterVariesAcrossSeeds) {
  std::set<Rep> first_delays;
  for (std::uint32_t seed = 1; seed <= 100; ++seed) {
    first_delays.insert(Backoff(BackoffPolicy{}, seed).next().count());
  }
  EXPECT_GT(first_delays.size(), 50u);
}

TEST(Backoff, UnseededInstancesDiffer) {
  Backoff a;
  Backoff b;
  bool differ = false;
  for (int i = 0; i < 8 && !differ; ++i)
    differ = a.next() != b.next();
  EXPECT_TRUE(differ);
}

TEST(Backoff, ServerWaitIsAFloorWithJitterOnTop) {
  const BackoffPolicy policy;  // 100 ms, 1 s, 30 s
  std::set<Rep> delays;
  for (std::uint32_t seed = 1; seed <= 100; ++seed) {
    const Rep delay = Backoff(policy, seed).next(milliseconds(5000)).count();
    EXPECT_GE(delay, 5000);
    EXPECT_LE(delay, 6000);
    delays.insert(delay);
  }
  // Clients told the same Retry-After at the same moment still come back spread out.
  EXPECT_GT(delays.size(), 50u);
}

TEST(Backoff, ServerWaitBeyondTheCapStillGetsJitter) {
  const BackoffPolicy policy{
      .base = milliseconds(100), .jitter = milliseconds(1000), .cap = milliseconds(2000)};
  for (std::uint32_t seed = 1; seed <= 100; ++seed) {
    const Rep delay = Backoff(policy, seed).next(milliseconds(10'000)).count();
    EXPECT_GE(delay, 10'000);
    EXPECT_LE(delay, 11'000);
  }
}

TEST(Backoff, ExponentialDelayWinsOverASmallerServerWait) {
  Backoff backoff(
      {.base = milliseconds(100), .jitter = milliseconds(0), .cap = milliseconds(10'000)}, 1);
  for (int i = 0; i < 5; ++i)
    backoff.next();
  EXPECT_EQ(backoff.next(milliseconds(1000)).count(), 3200);  // 100 · 2^5
}

TEST(ServerWait, RetryAfterIsWholeSecondsBoundedToAnHour) {
  EXPECT_EQ(retry_after_delay("3"), milliseconds(3000));
  EXPECT_EQ(retry_after_delay(""), milliseconds(0));
  EXPECT_EQ(retry_after_delay("soon"), milliseconds(0));
  EXPECT_EQ(retry_after_delay("999999999"), milliseconds(3'600'000));
  EXPECT_EQ(server_delay(1500), milliseconds(1500));
  EXPECT_EQ(server_delay(std::numeric_limits<std::uint64_t>::max()), milliseconds(3'600'000));
}

}  // namespace
}  // namespace herald::client
