#include "bench/quiet_period.hpp"

namespace herald::bench {

void QuietPeriod::observe(std::uint64_t value, Clock::time_point now) {
  if (observed_ && value == value_) return;
  observed_ = true;
  value_ = value;
  changed_ = now;
}

bool QuietPeriod::settled(Clock::time_point now) const {
  return observed_ && now - changed_ >= quiet_;
}

}  // namespace herald::bench
