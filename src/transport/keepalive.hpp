#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <vector>

#include "transport/transport_context.hpp"

namespace herald {

// Once a second, looks at every session connection of one loop, a slice at a time: WebSockets
// ping the silent clients and close those that did not answer in time (half-open TCP, a NAT that
// dropped the mapping); event streams send a comment. One timer per loop rather than one per
// connection keeps idle connections small.
class Keepalive {
 public:
  Keepalive(boost::asio::io_context& io, TransportContext& context)
      : timer_(io), context_(context) {}

  void start();
  void stop() { timer_.cancel(); }

 private:
  void schedule();
  void sweep_slice();

  boost::asio::steady_timer timer_;
  TransportContext& context_;
  std::size_t slice_ = 0;                // the next one
  std::vector<SessionConnection*> due_;  // kept to reuse its capacity
};

}  // namespace herald
