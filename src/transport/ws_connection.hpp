#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>

#include "core/outlet.hpp"
#include "core/session.hpp"
#include "transport/fault_hooks.hpp"
#include "transport/outbound_queue.hpp"
#include "transport/session_connection.hpp"
#include "transport/transport_context.hpp"
#include "transport/ws_frame_reader.hpp"

namespace herald {

// A client on `GET /ws` once its upgrade was accepted: WebSocket framing and I/O for one Session,
// on the bare socket. An idle connection holds no buffer: it waits for the socket to turn
// readable, reads into its loop's shared buffer and parses frames in place. Frames queued during
// one turn of the loop leave together in one gather write, each as its own message, their
// headers built inline and their payloads shared with every other recipient.
class WsConnection final : public Outlet,
                           public SessionConnection,
                           private WsFrameSink,
                           public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(boost::asio::ip::tcp::socket socket, TransportContext& context);
  ~WsConnection() override;

  // Writes `switching` (the 101 answering the upgrade) and starts the session. `early`: bytes the
  // client sent after its upgrade request, read along with it.
  void run(std::string switching, std::string_view early);

  void send(Frame frame) override;
  std::size_t queued_bytes() const override { return outbound_.bytes(); }
  void close(CloseCode code, std::string_view reason) override;
  void when_flushed(std::function<void()> next) override;

  // Pings the client when it has been silent for the ping interval; cuts it off when it stayed
  // silent for the pong timeout after that.
  void keep_alive(std::chrono::steady_clock::time_point now) override;
  void go_away(std::chrono::milliseconds reconnect) override { session_->go_away(reconnect); }
  std::weak_ptr<SessionConnection> weak() override { return weak_from_this(); }

  // Writes what was queued during this turn of the loop (WriteCork).
  void uncork();

 private:
  void on_text(std::string_view message) override;
  void on_ping(std::string_view payload) override;
  void on_pong() override {}  // any byte from the client proves it alive
  void on_close(std::optional<std::uint16_t> code, std::string_view reason) override;

  // Queues `frame` after `head` (its WebSocket header, or a whole control frame) and has the
  // loop's cork flush it.
  void queue(std::string head, Frame frame);
  void wait_readable();
  void on_readable(boost::system::error_code ec);
  void on_violation(const WsViolation& violation);
  // Writes without blocking until the queue is empty or the socket full.
  void write();
  void wait_writable();
  void on_written();
  // Queues the close frame; nothing is sent after it, and the peer has a while to answer.
  void start_close(std::string frame);
  void finish();

  boost::asio::ip::tcp::socket socket_;
  TransportContext& context_;
  std::shared_ptr<Session> session_;
  WsFrameReader reader_;
  OutboundQueue outbound_;
  [[no_unique_address]] WsFaults faults_;  // test builds only: no room in a release build
  std::unique_ptr<boost::asio::steady_timer> close_deadline_;  // only while closing
  std::chrono::steady_clock::time_point last_heard_ = std::chrono::steady_clock::now();
  bool corked_ = false;            // a flush is due at the end of this turn
  bool waiting_writable_ = false;  // the socket was full
  bool pinging_ = false;
  bool closing_ = false;  // the close frame is queued
  bool finished_ = false;
};

}  // namespace herald
