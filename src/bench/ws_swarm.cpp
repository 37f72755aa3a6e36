#include "bench/ws_swarm.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "bench/http_response_head.hpp"
#include "bench/tcp_dial.hpp"
#include "bench/ws_handshake.hpp"
#include "client/server_wait.hpp"

namespace herald::bench {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{256} * 1024;
// As fine as the ramp that opens the connections (10 ms ticks) needs.
constexpr std::chrono::milliseconds kWait{10};
// Small against the latencies measured (milliseconds), large against a wake-up.
constexpr std::chrono::microseconds kCoalesce{200};
// A response head bigger than this is not an upgrade any server here sends.
constexpr std::size_t kMaxHeadBytes = std::size_t{16} * 1024;
// The status code of a normal closure, echoed when the server closes.
constexpr std::string_view kNormalClose = "\x03\xe8";
// The epoll key of the wake-up timer: no connection has it.
constexpr std::uint64_t kTimerKey = std::numeric_limits<std::uint64_t>::max();

}  // namespace

WsSwarm::WsSwarm(Server server, std::size_t connections, WsSwarmHandler& handler)
    : server_(std::move(server)),
      host_(server_.ip + ":" + std::to_string(server_.port)),
      handler_(handler),
      connections_(connections),
      buffer_(kBufferBytes),
      loop_(kWait, kCoalesce) {
  loop_.add(timer_.fd(), kTimerKey);
}

void WsSwarm::open(std::size_t index, const std::string& source_ip) {
  Connection& c = connections_.at(index);
  c.state = State::connecting;  // so that a failure here is reported like any other
  c.fd = dial_tcp(server_.ip, server_.port, source_ip);
  if (c.fd < 0) return close(index, std::string("connect: ") + std::strerror(errno));
  loop_.add(c.fd, index);
}

void WsSwarm::wake_at(std::size_t index, std::chrono::steady_clock::time_point due) {
  wakes_.push(due, index);
  timer_.arm_by(due);
}

void WsSwarm::run(boost::asio::io_context& io) {
  loop_.run(io, [this](std::uint64_t key, std::uint32_t events) { on_event(key, events); });
}

void WsSwarm::on_event(std::size_t index, std::uint32_t events) {
  if (index == kTimerKey) return on_timer();
  Connection& c = connections_[index];
  if (c.state == State::connecting && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0) {
    on_connected(index);
  }
  if ((events & EPOLLOUT) != 0 && !c.out.empty()) flush(index);
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0 && c.state != State::closed) {
    read_all(index);
  }
}

// Everything due by now; what the handlers ask for meanwhile waits for the next expiry, so one
// wake-up cannot run forever.
void WsSwarm::on_timer() {
  timer_.clear();
  const auto now = std::chrono::steady_clock::now();
  while (const auto entry = wakes_.pop_due(now)) {
    handler_.on_wake(entry->key, entry->due);
  }
  if (const auto next = wakes_.earliest()) timer_.arm_by(*next);
}

void WsSwarm::on_connected(std::size_t index) {
  int error = 0;
  socklen_t size = sizeof error;
  ::getsockopt(connections_[index].fd, SOL_SOCKET, SO_ERROR, &error, &size);
  if (error != 0) return close(index, std::string("connect: ") + std::strerror(error));
  connections_[index].state = State::upgrading;
  write(index, ws_upgrade_request(host_, handler_.target(index)));
}

// Edge-triggered: read until the socket is empty. A read that does not fill the buffer has
// emptied it; more data arriving later raises a new edge.
void WsSwarm::read_all(std::size_t index) {
  while (connections_[index].state == State::upgrading ||
         connections_[index].state == State::open) {
    const ssize_t got = ::recv(connections_[index].fd, buffer_.data(), buffer_.size(), 0);
    if (got > 0) {
      consume(index, std::string_view(buffer_.data(), static_cast<std::size_t>(got)));
      if (static_cast<std::size_t>(got) < buffer_.size()) return;
      continue;
    }
    if (got == 0) return close(index, "closed by server without a close frame");
    if (errno == EINTR) continue;
    if (errno != EAGAIN) close(index, std::string("read: ") + std::strerror(errno));
    return;
  }
}

void WsSwarm::consume(std::size_t index, std::string_view received) {
  Connection& c = connections_[index];
  const bool had_pending = !c.pending.empty();
  if (had_pending) c.pending.append(received);
  const std::string_view bytes = had_pending ? std::string_view(c.pending) : received;
  std::size_t used = 0;
  if (c.state == State::upgrading) used = read_upgrade(index, bytes);
  if (c.state == State::open) used += read_frames(index, bytes.substr(used));
  if (c.state == State::closed) return;
  if (had_pending) {
    c.pending.erase(0, used);
  } else {
    c.pending.assign(bytes.substr(used));
  }
  if (c.state == State::upgrading && c.pending.size() > kMaxHeadBytes) {
    close(index, "upgrade response head too large");
  }
}

std::size_t WsSwarm::read_upgrade(std::size_t index, std::string_view bytes) {
  const HttpResponseHead head = parse_http_response_head(bytes);
  if (head.status == HttpResponseHead::Status::incomplete) return 0;
  if (!ws_upgrade_accepted(head)) {
    close(index, "upgrade refused: HTTP " + std::to_string(head.code),
          client::retry_after_delay(head.retry_after));
    return 0;
  }
  connections_[index].state = State::open;
  ++upgraded_;
  std::string out;
  handler_.on_open(index, out);
  write(index, out);
  return head.head_size;
}

std::size_t WsSwarm::read_frames(std::size_t index, std::string_view bytes) {
  std::size_t used = 0;
  while (connections_[index].state == State::open) {
    const std::string_view rest = bytes.substr(used);
    const WsFrameHeader header = parse_ws_frame_header(rest);
    if (header.status == WsFrameHeader::Status::invalid) {
      close(index, "invalid frame from the server");
      break;
    }
    if (header.status == WsFrameHeader::Status::incomplete || rest.size() < header.frame_size()) {
      break;
    }
    used += header.frame_size();
    on_frame(index, header, rest.substr(header.header_size, header.payload_size));
  }
  return used;
}

void WsSwarm::on_frame(std::size_t index, const WsFrameHeader& header, std::string_view payload) {
  Connection& c = connections_[index];
  switch (header.opcode) {
    case WsOpcode::text:
    case WsOpcode::binary:
      if (header.fin) return handler_.on_message(index, payload);
      c.fragments.assign(payload);
      return;
    case WsOpcode::continuation:
      c.fragments.append(payload);
      if (!header.fin) return;
      handler_.on_message(index, c.fragments);
      std::string().swap(c.fragments);  // an idle connection keeps no buffer
      return;
    case WsOpcode::ping:
      return send_frame(index, WsOpcode::pong, payload);
    case WsOpcode::pong:
      return;
    case WsOpcode::close:
      send_frame(index, WsOpcode::close, kNormalClose);
      return close(index, ws_close_reason(payload));
  }
}

void WsSwarm::send_frame(std::size_t index, WsOpcode opcode, std::string_view payload) {
  if (connections_.at(index).state != State::open) return;
  std::string frame;
  append_ws_client_frame(frame, opcode, payload);
  write(index, frame);
}

void WsSwarm::write(std::size_t index, std::string_view bytes) {
  Connection& c = connections_[index];
  if (!c.out.empty()) {
    c.out.append(bytes);
    return;
  }
  ssize_t sent = ::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
  if (sent < 0 && errno != EAGAIN && errno != EINTR) {
    return close(index, std::string("write: ") + std::strerror(errno));
  }
  sent = std::max<ssize_t>(sent, 0);
  c.out.assign(bytes.substr(static_cast<std::size_t>(sent)));
}

void WsSwarm::flush(std::size_t index) {
  Connection& c = connections_[index];
  const std::string pending = std::exchange(c.out, {});
  write(index, pending);
}

void WsSwarm::close(std::size_t index, std::string_view reason,
                    std::chrono::milliseconds retry_after) {
  Connection& c = connections_[index];
  if (c.state == State::closed) return;
  if (c.fd >= 0) ::close(c.fd);
  c = Connection{.state = State::closed};
  ++closed_;
  handler_.on_closed(index, reason, retry_after);
}

}  // namespace herald::bench
