#include "client/backoff.hpp"

#include <algorithm>
#include <limits>
#include <random>

namespace herald::client {
namespace {

using Rep = std::chrono::milliseconds::rep;

// min(base · 2^attempt, cap) without ever computing a product that could overflow.
Rep exponential(Rep base, unsigned attempt, Rep cap) {
  if (base <= 0) return 0;
  constexpr unsigned kMaxShift = std::numeric_limits<Rep>::digits - 1;
  if (attempt >= kMaxShift || base > (cap >> attempt)) return cap;
  return base << attempt;
}

Rep saturating_add(Rep a, Rep b) {
  return a > std::numeric_limits<Rep>::max() - b ? std::numeric_limits<Rep>::max() : a + b;
}

}  // namespace

std::uint64_t SplitMix64::random_seed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) ^ device();
}

std::uint64_t SplitMix64::operator()() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Backoff::Backoff(BackoffPolicy policy) : Backoff(policy, SplitMix64::random_seed()) {}

Backoff::Backoff(BackoffPolicy policy, std::uint64_t seed) : policy_(policy), random_(seed) {}

std::chrono::milliseconds Backoff::next(std::chrono::milliseconds floor) {
  const Rep wait = std::max<Rep>(floor.count(), 0);
  const Rep jitter_span = std::max<Rep>(policy_.jitter.count(), 0);
  Rep cap = std::max<Rep>(policy_.cap.count(), 0);
  // A server's wait may exceed the cap; it still gets its jitter.
  if (wait > 0) cap = std::max(cap, saturating_add(wait, jitter_span));
  const Rep delay = std::max(exponential(policy_.base.count(), attempt_, cap), wait);
  Rep jitter = 0;
  if (jitter_span > 0) {
    // The modulo bias is below 2^-40 for any sane jitter.
    jitter = static_cast<Rep>(random_() % (static_cast<std::uint64_t>(jitter_span) + 1));
  }
  if (attempt_ < std::numeric_limits<unsigned>::max()) ++attempt_;
  // Compared by subtraction: delay + jitter could overflow for a huge cap.
  return std::chrono::milliseconds(jitter >= cap - delay ? cap : delay + jitter);
}

}  // namespace herald::client
