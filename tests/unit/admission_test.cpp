#include "transport/admission.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

std::uint64_t refused(const Metrics& metrics, Refusal why) {
  return metrics.refusals[static_cast<std::size_t>(why)].value();
}

TEST(Admission, ServesUpToMaxConnectionsThenRefusesUntilOneCloses) {
  Metrics metrics;
  Admission admission({.max_connections = 2, .rate = 0, .burst = 1}, metrics);
  metrics.connections.add(2);  // each accepted connection is counted before it is admitted
  EXPECT_FALSE(admission.admit_connection());
  metrics.connections.add(1);
  const auto verdict = admission.admit_connection();
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->why, Refusal::full);
  EXPECT_GE(verdict->retry_after, std::chrono::seconds(1));
  metrics.connections.add(-1);
  EXPECT_FALSE(admission.admit_connection());
  EXPECT_EQ(refused(metrics, Refusal::full), 1u);
}

TEST(Admission, RefusesConnectionsOverTheRateAfterTheBurst) {
  Metrics metrics;
  Admission admission({.max_connections = 1000, .rate = 1, .burst = 3}, metrics);
  for (int i = 0; i < 3; ++i)
    EXPECT_FALSE(admission.admit_connection()) << "connection " << i << " is within the burst";
  const auto verdict = admission.admit_connection();
  ASSERT_TRUE(verdict);
  EXPECT_EQ(verdict->why, Refusal::rate);
  // One token a second: the next one is at most a second away.
  EXPECT_EQ(verdict->retry_after, std::chrono::seconds(1));
  EXPECT_EQ(refused(metrics, Refusal::rate), 1u);
}

TEST(Admission, ZeroRateMeansNoRateLimit) {
  Metrics metrics;
  Admission admission({.max_connections = 100'000, .rate = 0, .burst = 1}, metrics);
  for (int i = 0; i < 10'000; ++i)
    ASSERT_FALSE(admission.admit_connection());
}

TEST(Admission, DrainingRefusesEveryRequestAndConnection) {
  Metrics metrics;
  Admission admission({}, metrics);
  EXPECT_FALSE(admission.admit_request());
  admission.start_draining();
  EXPECT_TRUE(admission.draining());
  for (const auto& verdict : {admission.admit_request(), admission.admit_connection()}) {
    ASSERT_TRUE(verdict);
    EXPECT_EQ(verdict->why, Refusal::draining);
    EXPECT_GE(verdict->retry_after, std::chrono::seconds(1));
  }
  EXPECT_EQ(refused(metrics, Refusal::draining), 2u);
}

}  // namespace
}  // namespace herald
