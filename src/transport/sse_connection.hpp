#pragma once

#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <memory>

#include "core/outlet.hpp"
#include "core/session.hpp"
#include "transport/outbound_queue.hpp"
#include "transport/session_connection.hpp"
#include "transport/stream_request.hpp"
#include "transport/transport_context.hpp"

namespace herald {

// A client on `GET /sse`: one Session whose frames go out as Server-Sent Events on a response
// that does not end. `msg` frames are unnamed events (an EventSource's onmessage); every other
// frame is an event named for its op. Each event's id is the session's cursor after it, so an
// EventSource that reconnects with Last-Event-ID resumes exactly. The client sends nothing on
// the stream; it speaks through POST /send with the session id of `welcome`.
class SseConnection final : public Outlet,
                            public SessionConnection,
                            public std::enable_shared_from_this<SseConnection> {
 public:
  SseConnection(boost::beast::tcp_stream stream, TransportContext& context);
  ~SseConnection() override;

  // Sends the response header, then greets the session and joins the rooms of `request`.
  void run(const StreamRequest& request);

  void send(Frame frame) override;
  std::size_t queued_bytes() const override { return outbound_.bytes(); }
  // A `close` event says why; then the stream ends.
  void close(CloseCode code, std::string_view reason) override;
  void when_flushed(std::function<void()> next) override;

  // A comment when the stream has been silent for the stream keepalive.
  void keep_alive(std::chrono::steady_clock::time_point now) override;
  void go_away(std::chrono::milliseconds reconnect) override { session_->go_away(reconnect); }
  std::weak_ptr<SessionConnection> weak() override { return weak_from_this(); }

 private:
  void watch();
  void flush();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void finish();

  boost::beast::tcp_stream stream_;
  TransportContext& context_;
  std::shared_ptr<Session> session_;
  OutboundQueue outbound_;
  std::array<char, 1> ignored_{};  // the watch for a hang-up reads into it
  std::chrono::steady_clock::time_point last_written_ = std::chrono::steady_clock::now();
  bool closing_ = false;
  bool finished_ = false;
  std::unique_ptr<boost::asio::steady_timer> close_deadline_;  // only while closing
};

}  // namespace herald
