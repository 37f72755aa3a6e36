#pragma once

#include <chrono>
#include <cstdint>

namespace herald::bench {

// Tells when a growing counter (say, frames received by all clients) has settled: it kept the
// same value for `quiet`.
class QuietPeriod {
 public:
  using Clock = std::chrono::steady_clock;

  explicit QuietPeriod(std::chrono::milliseconds quiet) : quiet_(quiet) {}

  void observe(std::uint64_t value, Clock::time_point now);
  // False until the first observe().
  bool settled(Clock::time_point now) const;

 private:
  std::chrono::milliseconds quiet_;
  std::uint64_t value_ = 0;
  bool observed_ = false;
  Clock::time_point changed_;  // when value_ was first seen
};

}  // namespace herald::bench
