#pragma once

#include <chrono>
#include <cstdint>

namespace herald::client {

// Reconnect delays (DESIGN.md §7): delay = min(base · 2^attempt + uniform(0, jitter), cap).
struct BackoffPolicy {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds jitter{1000};
  std::chrono::milliseconds cap{30'000};
};

// splitmix64: 8 bytes of state (a load generator holds some per connection), fast, and unlike a
// small LCG its outputs for neighbouring seeds (1, 2, 3…) are unrelated.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  static std::uint64_t random_seed();  // from std::random_device
  std::uint64_t operator()();

 private:
  std::uint64_t state_;
};

// Jittered exponential backoff. The jitter spreads the reconnects of many clients that lost
// the same server at the same moment, so they do not all come back in one burst.
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy = {});
  Backoff(BackoffPolicy policy, std::uint64_t seed);  // deterministic, for tests

  // The delay before the next attempt; each call counts one more attempt. When the server named
  // a wait (Retry-After, goaway), the delay is at least `floor` plus the jitter: clients told
  // the same wait at the same moment must still not all come back together.
  std::chrono::milliseconds next(std::chrono::milliseconds floor = std::chrono::milliseconds(0));
  // After a success: the next delay starts from `base` again.
  void reset() { attempt_ = 0; }
  unsigned attempt() const { return attempt_; }

 private:
  BackoffPolicy policy_;
  unsigned attempt_ = 0;
  SplitMix64 random_;
};

}  // namespace herald::client
