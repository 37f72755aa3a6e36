#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>

namespace herald::bench {

// Starts a worker's clients at a steady rate rather than all at once, so the server is loaded
// the way the scenario means to and not by the start of the bench: open(i) for i = 0, 1, …,
// count - 1, at `rate` per second from start().
class Ramp {
 public:
  Ramp(boost::asio::io_context& io, std::size_t count, double rate,
       std::function<void(std::size_t)> open);

  void start();
  std::size_t opened() const { return opened_; }

 private:
  void tick();

  boost::asio::steady_timer timer_;
  std::size_t count_;
  double rate_;
  std::function<void(std::size_t)> open_;
  std::chrono::steady_clock::time_point started_;
  std::size_t opened_ = 0;
};

}  // namespace herald::bench
