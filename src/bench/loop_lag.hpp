#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "bench/histogram.hpp"

namespace herald::bench {

// How late a worker's event loop runs what is due: a timer asks to fire every `interval` and
// notes how much later it did. A load generator that lags by more than a measuring window
// bunches the events it timestamps (timers that came due meanwhile all fire together), so its
// rates over such windows describe the generator, not the clients it runs.
class LoopLag {
 public:
  explicit LoopLag(boost::asio::io_context& io,
                   std::chrono::milliseconds interval = std::chrono::milliseconds(10));

  void start();
  // Forgets the lags so far: measure from here on.
  void reset() { lags_ms_ = Histogram{}; }
  const Histogram& lags_ms() const { return lags_ms_; }

 private:
  void arm();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  Histogram lags_ms_;
};

}  // namespace herald::bench
