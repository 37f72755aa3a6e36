#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "transport/transport_context.hpp"

namespace herald {

// Once a second, looks at every WebSocket of one loop: pings the silent ones and closes those
// that did not answer in time (half-open TCP, a NAT that dropped the mapping). One timer per
// loop rather than one per connection keeps idle connections small.
class Keepalive {
 public:
  Keepalive(boost::asio::io_context& io, TransportContext& context)
      : timer_(io), context_(context) {}

  void start();
  void stop() { timer_.cancel(); }

 private:
  void schedule();
  void sweep();

  boost::asio::steady_timer timer_;
  TransportContext& context_;
};

}  // namespace herald
