#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <vector>

namespace herald {

class WsConnection;

// Corks the writes of one event loop's WebSocket connections: a connection that queues a frame
// asks to be flushed, and one task posted behind the handlers already waiting flushes every
// connection that asked. Frames queued during one turn of the loop (a fan-out to thousands, a
// reply and the messages it caused) then leave in one write per connection rather than one each.
class WriteCork {
 public:
  // `connection` is flushed once this turn's handlers have run; it asks at most once per turn.
  // Held weakly: a connection that ends meanwhile has nothing left to write, and one still held
  // when the loop is torn down must not outlive the loop's sockets.
  void defer(std::weak_ptr<WsConnection> connection, const boost::asio::any_io_executor& loop);

 private:
  void flush();

  std::vector<std::weak_ptr<WsConnection>> corked_;
  std::vector<std::weak_ptr<WsConnection>> flushing_;  // kept to reuse its capacity
};

}  // namespace herald
