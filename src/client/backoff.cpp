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

std::chrono::milliseconds Backoff::next() {
  const Rep cap = std::max<Rep>(policy_.cap.count(), 0);
  const Rep delay = exponential(policy_.base.count(), attempt_, cap);
  Rep jitter = 0;
  if (policy_.jitter.count() > 0) {
    // The modulo bias is below 2^-40 for any sane jitter.
    const auto span = static_cast<std::uint64_t>(policy_.jitter.count()) + 1;
    jitter = static_cast<Rep>(random_() % span);
  }
  if (attempt_ < std::numeric_limits<unsigned>::max()) ++attempt_;
  // Compared by subtraction: delay + jitter could overflow for a huge cap.
  return std::chrono::milliseconds(jitter >= cap - delay ? cap : delay + jitter);
}

}  // namespace herald::client
