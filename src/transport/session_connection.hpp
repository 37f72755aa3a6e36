#pragma once

#include <chrono>
#include <memory>

namespace herald {

// A connection that carries a Session (WebSocket, SSE): what the keepalive sweep and a drain
// need of it.
class SessionConnection {
 public:
  virtual ~SessionConnection() = default;

  // Called about once a second: keeps the connection (and proxies and NATs on the way) alive,
  // and cuts it off if the client is gone.
  virtual void keep_alive(std::chrono::steady_clock::time_point now) = 0;
  // The edge is shutting down: the session says goaway, then the connection ends.
  virtual void go_away(std::chrono::milliseconds reconnect) = 0;
  // A request held open (a long-poll) rather than a connection: a drain answers it at once, since
  // its client comes back with a new request anyway.
  virtual bool held_request() const { return false; }
  virtual std::weak_ptr<SessionConnection> weak() = 0;
};

}  // namespace herald
