#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench/epoll_loop.hpp"
#include "bench/timer_fd.hpp"
#include "bench/timer_heap.hpp"
#include "bench/ws_frame.hpp"

namespace herald::bench {

// What a swarm's connections do once they are up; the swarm calls it from its loop.
class WsSwarmHandler {
 public:
  virtual ~WsSwarmHandler() = default;
  // The request target connection `index` upgrades on: "/ws", "/sub/room-7", …
  virtual std::string target(std::size_t index) = 0;
  // The upgrade succeeded: frames appended to `out` are sent at once.
  virtual void on_open(std::size_t index, std::string& out) = 0;
  // One whole text message.
  virtual void on_message(std::size_t index, std::string_view text) = 0;
  // The connection is gone, and why; `retry_after` is the wait a refused upgrade named (zero
  // when none). The swarm does not reopen it by itself.
  virtual void on_closed(std::size_t index, std::string_view reason,
                         std::chrono::milliseconds retry_after) = 0;
  // The moment asked for with WsSwarm::wake_at has come; `due` is that moment (the difference
  // from now is how late the swarm's loop was).
  virtual void on_wake(std::size_t /*index*/, std::chrono::steady_clock::time_point /*due*/) {}
};

// Many WebSocket client connections in one process, each a socket and a few bytes of state:
// the swarm does the HTTP upgrade itself, reads into one buffer it shares between all of them,
// parses the server's frames in place, and answers pings and closes. Only a frame that a read
// cut in two is copied, into the connection's own pending bytes, until its rest arrives.
class WsSwarm {
 public:
  struct Server {
    std::string ip;  // IPv4, the swarm's server address
    unsigned short port = 0;
  };

  WsSwarm(Server server, std::size_t connections, WsSwarmHandler& handler);

  // Starts connection `index` (below `connections`) from `source_ip`: connect() is called
  // before this returns. A closed connection may be opened again.
  void open(std::size_t index, const std::string& source_ip);
  // Calls the handler's on_wake(index) at `due`, to the timer's resolution (microseconds)
  // whenever the loop keeps up: for reconnects that must go out when their backoff says.
  void wake_at(std::size_t index, std::chrono::steady_clock::time_point due);
  // Sends a client frame on an open connection; dropped on one that is not open.
  void send_frame(std::size_t index, WsOpcode opcode, std::string_view payload);
  // Serves every connection until `io` stops (see EpollLoop).
  void run(boost::asio::io_context& io);

  std::size_t upgraded() const { return upgraded_; }
  std::size_t closed() const { return closed_; }

 private:
  enum class State : std::uint8_t { idle, connecting, upgrading, open, closed };
  struct Connection {
    int fd = -1;
    State state = State::idle;
    std::string pending;    // received bytes not parsed yet: a cut frame or response head
    std::string fragments;  // a fragmented message so far
    std::string out;        // bytes the socket would not take yet
  };

  void on_event(std::size_t index, std::uint32_t events);
  void on_timer();
  void on_connected(std::size_t index);
  void read_all(std::size_t index);
  void consume(std::size_t index, std::string_view received);
  std::size_t read_upgrade(std::size_t index, std::string_view bytes);
  std::size_t read_frames(std::size_t index, std::string_view bytes);
  void on_frame(std::size_t index, const WsFrameHeader& header, std::string_view payload);
  void write(std::size_t index, std::string_view bytes);
  void flush(std::size_t index);
  void close(std::size_t index, std::string_view reason,
             std::chrono::milliseconds retry_after = {});

  Server server_;
  std::string host_;  // the Host header
  WsSwarmHandler& handler_;
  std::vector<Connection> connections_;
  std::vector<char> buffer_;  // shared by every read
  EpollLoop loop_;
  TimerHeap wakes_;
  TimerFd timer_;  // armed for the earliest of wakes_
  std::size_t upgraded_ = 0;
  std::size_t closed_ = 0;
};

}  // namespace herald::bench
