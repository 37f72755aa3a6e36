#pragma once

#include <algorithm>
#include <chrono>

namespace herald {

// Allows `rate` events per second on average and bursts of up to `burst`.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

  bool try_take(Clock::time_point now = Clock::now()) {
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // How long until the next token, for Retry-After style answers.
  std::chrono::milliseconds wait_time(Clock::time_point now = Clock::now()) {
    refill(now);
    if (tokens_ >= 1.0) return std::chrono::milliseconds(0);
    return std::chrono::milliseconds(static_cast<long>((1.0 - tokens_) / rate_ * 1000.0) + 1);
  }

 private:
  void refill(Clock::time_point now) {
    const std::chrono::duration<double> elapsed = now - last_;
    last_ = now;
    tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
  }

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_ = Clock::now();
};

}  // namespace herald
