#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bench/epoll_loop.hpp"
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
  // The connection is gone, and why; it is not reopened.
  virtual void on_closed(std::size_t index, std::string_view reason) = 0;
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

  // Starts connection `index` (below `connections`) from `source_ip`.
  void open(std::size_t index, const std::string& source_ip);
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
  void on_connected(std::size_t index);
  void read_all(std::size_t index);
  void consume(std::size_t index, std::string_view received);
  std::size_t read_upgrade(std::size_t index, std::string_view bytes);
  std::size_t read_frames(std::size_t index, std::string_view bytes);
  void on_frame(std::size_t index, const WsFrameHeader& header, std::string_view payload);
  void write(std::size_t index, std::string_view bytes);
  void flush(std::size_t index);
  void close(std::size_t index, std::string_view reason);

  Server server_;
  std::string host_;  // the Host header
  WsSwarmHandler& handler_;
  std::vector<Connection> connections_;
  std::vector<char> buffer_;  // shared by every read
  EpollLoop loop_;
  std::size_t upgraded_ = 0;
  std::size_t closed_ = 0;
};

}  // namespace herald::bench
