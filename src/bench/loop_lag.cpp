#include "bench/loop_lag.hpp"

namespace herald::bench {

LoopLag::LoopLag(boost::asio::io_context& io, std::chrono::milliseconds interval)
    : timer_(io), interval_(interval) {}

void LoopLag::start() {
  timer_.expires_after(interval_);
  arm();
}

void LoopLag::arm() {
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    const auto now = std::chrono::steady_clock::now();
    lags_ms_.add(std::chrono::duration<double, std::milli>(now - timer_.expiry()).count());
    timer_.expires_at(now + interval_);
    arm();
  });
}

}  // namespace herald::bench
