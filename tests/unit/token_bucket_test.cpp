#include "core/token_bucket.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace herald {
namespace {

using namespace std::chrono_literals;
using Clock = TokenBucket::Clock;

// Takes tokens at `now` until the bucket refuses; returns how many it gave.
int take_all(TokenBucket& bucket, Clock::time_point now) {
  int taken = 0;
  while (taken < 1000 && bucket.try_take(now))
    ++taken;
  return taken;
}

// Every test drives time explicitly from a point taken after the bucket was built (the bucket
// starts counting at its construction).
struct Bucket {
  Bucket(double rate, double burst) : bucket(rate, burst), t0(Clock::now()) {}
  TokenBucket bucket;
  Clock::time_point t0;
};

TEST(token_bucket, StartsFullAndAllowsABurst) {
  Bucket b(1, 5);
  EXPECT_EQ(take_all(b.bucket, b.t0), 5);
  EXPECT_FALSE(b.bucket.try_take(b.t0));
}

TEST(token_bucket, FractionalBurstRoundsDown) {
  Bucket b(1, 2.5);
  EXPECT_EQ(take_all(b.bucket, b.t0), 2);
}

TEST(token_bucket, RefillsAtTheRate) {
  Bucket b(4, 4);  // one token every 250 ms
  ASSERT_EQ(take_all(b.bucket, b.t0), 4);
  EXPECT_FALSE(b.bucket.try_take(b.t0 + 200ms));
  EXPECT_TRUE(b.bucket.try_take(b.t0 + 260ms));
  EXPECT_FALSE(b.bucket.try_take(b.t0 + 260ms));
  EXPECT_EQ(take_all(b.bucket, b.t0 + 760ms), 2);  // 500 ms more: two tokens
}

TEST(token_bucket, PartialRefillsAccumulateAcrossCalls) {
  Bucket b(10, 1);  // one token every 100 ms
  ASSERT_TRUE(b.bucket.try_take(b.t0));
  // Three refused attempts 40 ms apart: 120 ms in all, so the fourth look finds a token.
  EXPECT_FALSE(b.bucket.try_take(b.t0 + 40ms));
  EXPECT_FALSE(b.bucket.try_take(b.t0 + 80ms));
  EXPECT_TRUE(b.bucket.try_take(b.t0 + 120ms));
}

TEST(token_bucket, RefillIsCappedAtTheBurst) {
  Bucket b(100, 3);
  ASSERT_EQ(take_all(b.bucket, b.t0), 3);
  EXPECT_EQ(take_all(b.bucket, b.t0 + 1h), 3);
}

TEST(token_bucket, WaitTimeIsZeroWhileATokenIsLeft) {
  Bucket b(1, 2);
  EXPECT_EQ(b.bucket.wait_time(b.t0), 0ms);
  ASSERT_TRUE(b.bucket.try_take(b.t0));
  EXPECT_EQ(b.bucket.wait_time(b.t0), 0ms);
}

TEST(token_bucket, WaitTimeOfAnEmptyBucketIsOneTokenInterval) {
  Bucket b(10, 1);  // one token every 100 ms
  ASSERT_TRUE(b.bucket.try_take(b.t0));
  const auto wait = b.bucket.wait_time(b.t0);
  EXPECT_GE(wait, 100ms);
  EXPECT_LE(wait, 101ms);
}

TEST(token_bucket, WaitTimeShrinksAsTheBucketRefills) {
  Bucket b(10, 1);
  ASSERT_TRUE(b.bucket.try_take(b.t0));
  const auto wait = b.bucket.wait_time(b.t0 + 60ms);
  EXPECT_GE(wait, 40ms);
  EXPECT_LE(wait, 41ms);
}

TEST(token_bucket, WaitTimeIsEnoughAndNotTooMuch) {
  Bucket b(3, 1);
  ASSERT_TRUE(b.bucket.try_take(b.t0));
  const auto wait = b.bucket.wait_time(b.t0);
  EXPECT_FALSE(b.bucket.try_take(b.t0 + wait - 5ms));
  EXPECT_TRUE(b.bucket.try_take(b.t0 + wait));
}

TEST(token_bucket, WaitTimeTakesNoToken) {
  Bucket b(1, 1);
  EXPECT_EQ(b.bucket.wait_time(b.t0), 0ms);
  EXPECT_EQ(b.bucket.wait_time(b.t0), 0ms);
  EXPECT_TRUE(b.bucket.try_take(b.t0));
}

}  // namespace
}  // namespace herald
