#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "core/outlet.hpp"
#include "core/session.hpp"
#include "transport/outbound_queue.hpp"
#include "transport/session_connection.hpp"
#include "transport/transport_context.hpp"

namespace herald {

// A client on `GET /ws`: WebSocket framing and I/O for one Session. Frames queued while a
// write is in flight go out together in the next one, as one text message whose frames are
// separated by '\n'.
class WsConnection final : public Outlet,
                           public SessionConnection,
                           public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(boost::beast::tcp_stream stream, TransportContext& context);
  ~WsConnection() override;

  void run(const HttpRequest& upgrade);

  void send(Frame frame) override;
  std::size_t queued_bytes() const override { return outbound_.bytes(); }
  void close(CloseCode code, std::string_view reason) override;
  void when_flushed(std::function<void()> next) override;

  // Pings the client when it has been silent for the ping interval; cuts it off when it stayed
  // silent for the pong timeout after that.
  void keep_alive(std::chrono::steady_clock::time_point now) override;
  void go_away(std::chrono::milliseconds reconnect) override { session_->go_away(reconnect); }
  std::weak_ptr<SessionConnection> weak() override { return weak_from_this(); }

 private:
  void on_accept(boost::beast::error_code ec);
  void read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void count_read_error(boost::beast::error_code ec);
  void flush();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void start_close();
  void finish();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  TransportContext& context_;
  std::shared_ptr<Session> session_;
  boost::beast::flat_buffer read_buffer_;
  OutboundQueue outbound_;
  std::chrono::steady_clock::time_point last_heard_ = std::chrono::steady_clock::now();
  bool pinging_ = false;
  bool finished_ = false;
  std::optional<boost::beast::websocket::close_reason> closing_;
  std::unique_ptr<boost::asio::steady_timer> close_deadline_;  // only while closing
};

}  // namespace herald
