#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <vector>

#include "transport/transport_context.hpp"

namespace herald {

// Sends the sessions of one event loop away (`goaway`, then close 1001) one after another,
// evenly over the drain window, so that their reconnects reach the rest of the fleet as a
// trickle rather than as one burst.
class Drain {
 public:
  // Suggested in `goaway`: the closes are already spread, so clients need not wait long.
  static constexpr auto kReconnect = std::chrono::milliseconds(1000);

  Drain(boost::asio::io_context& io, TransportContext& context) : timer_(io), context_(context) {}

  // Takes the sessions open now; the last one goes shortly before `window` is over. Held polls
  // are answered at once.
  void start(std::chrono::milliseconds window);
  // Sends away every session still open, at once.
  void finish();

 private:
  void send_away_due();
  void schedule();
  std::chrono::steady_clock::time_point due(std::size_t index) const;

  boost::asio::steady_timer timer_;
  TransportContext& context_;
  std::vector<std::weak_ptr<SessionConnection>> sessions_;
  std::size_t next_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::milliseconds window_{0};
};

}  // namespace herald
