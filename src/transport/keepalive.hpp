#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "transport/transport_context.hpp"

namespace herald {

// Once a second, looks at every session connection of one loop: WebSockets ping the silent
// clients and close those that did not answer in time (half-open TCP, a NAT that dropped the
// mapping); event streams send a comment. One timer per loop rather than one per connection
// keeps idle connections small.
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
