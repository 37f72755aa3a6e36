#include "bench/ramp.hpp"

namespace herald::bench {

// How often the ramp starts what is due: fine enough that a rate of thousands a second comes
// out smooth, coarse enough to cost nothing.
constexpr std::chrono::milliseconds kTick{10};

Ramp::Ramp(boost::asio::io_context& io, std::size_t count, double rate,
           std::function<void(std::size_t)> open)
    : timer_(io), count_(count), rate_(rate), open_(std::move(open)) {}

void Ramp::start() {
  started_ = std::chrono::steady_clock::now();
  tick();
}

void Ramp::tick() {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
  const auto due = static_cast<std::size_t>(elapsed.count() * rate_) + 1;
  while (opened_ < count_ && opened_ < due)
    open_(opened_++);
  if (opened_ == count_) return;
  timer_.expires_after(kTick);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) tick();
  });
}

}  // namespace herald::bench
