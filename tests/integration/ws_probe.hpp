#pragma once
// A raw WebSocket client for the integration tests: sends exactly the bytes a test asks for,
// splits the server's messages on '\n' into frames, and reports the close code. Blocking, one
// per thread, every operation under a timeout. Header-only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <deque>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "itest_support.hpp"

namespace herald::test {

class WsProbe {
 public:
  // Connects to ws://127.0.0.1:port/ws. `receive_buffer` > 0 sets SO_RCVBUF before connecting
  // (a slow reader whose kernel buffer fills quickly). Throws when the handshake fails.
  explicit WsProbe(unsigned short port, int receive_buffer = 0) : ws_(io_) {
    namespace asio = boost::asio;
    auto& socket = boost::beast::get_lowest_layer(ws_).socket();
    socket.open(asio::ip::tcp::v4());
    if (receive_buffer > 0) {
      socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    }
    const asio::ip::tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
    check(run([&](auto handler) { socket.async_connect(endpoint, handler); }), "connect");
    ws_.read_message_max(64 * 1024 * 1024);
    check(run([&](auto handler) {
            ws_.async_handshake("127.0.0.1:" + std::to_string(port), "/ws", handler);
          }),
          "handshake");
  }
  WsProbe(const WsProbe&) = delete;
  WsProbe& operator=(const WsProbe&) = delete;

  void send(std::string_view text) { write(text, true); }
  void send(const json::object& frame) { send(json::serialize(frame)); }
  void send_binary(std::string_view bytes) { write(bytes, false); }

  // The next frame from the server, or nullopt when the connection ended or nothing came within
  // `timeout` (closed() and error() tell which).
  std::optional<json::object> next(Millis timeout = kDeadline) {
    if (frames_.empty()) read_message(timeout);
    if (frames_.empty()) return std::nullopt;
    json::object frame = std::move(frames_.front());
    frames_.pop_front();
    return frame;
  }

  // The next frame, which must have `op`; throws with what came instead.
  json::object expect(std::string_view op, Millis timeout = kDeadline) {
    auto frame = next(timeout);
    if (!frame) {
      throw std::runtime_error("expected a '" + std::string(op) + "' frame, got none: " + error_);
    }
    if (str(*frame, "op") != op) {
      throw std::runtime_error("expected a '" + std::string(op) +
                               "' frame, got: " + json::serialize(*frame));
    }
    return std::move(*frame);
  }

  json::object hello() {
    send(R"({"op":"hello","client":"itest-probe/1"})");
    return expect("welcome");
  }

  // Sends a join and returns the `joined` (throws on anything else).
  json::object join(std::string_view room, std::optional<std::int64_t> since = std::nullopt) {
    json::object frame{{"op", "join"}, {"room", room}};
    if (since) frame["since"] = *since;
    send(frame);
    return expect("joined");
  }

  // Reads and keeps every frame until the server closes the connection (or `timeout`); returns
  // the close code, 0 if the connection ended without a close frame.
  int read_until_close(std::deque<json::object>& frames, Millis timeout = kDeadline) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
      const auto left =
          std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
      if (left <= Millis{0}) break;
      read_message(left);
      for (auto& frame : frames_)
        frames.push_back(std::move(frame));
      frames_.clear();
      if (timed_out_) break;
    }
    return close_code_;
  }

  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }  // 0 unless the server sent a close frame
  const std::string& error() const { return error_; }

 private:
  // Starts an operation with a completion handler and runs it to completion within `timeout`;
  // on timeout the socket is closed and the probe is unusable.
  template <typename Start>
  boost::beast::error_code run(Start start, Millis timeout = kDeadline) {
    bool done = false;
    boost::beast::error_code result;
    start([&](boost::beast::error_code ec, auto&&...) {
      done = true;
      result = ec;
    });
    io_.restart();
    io_.run_for(timeout);
    if (!done) {
      boost::beast::error_code ignored;
      boost::beast::get_lowest_layer(ws_).socket().close(ignored);
      io_.restart();
      io_.run();
      timed_out_ = true;
      return boost::asio::error::timed_out;
    }
    return result;
  }

  static void check(boost::beast::error_code ec, std::string_view what) {
    if (ec) throw std::runtime_error("ws probe " + std::string(what) + ": " + ec.message());
  }

  void write(std::string_view bytes, bool text) {
    if (closed_) throw std::runtime_error("ws probe write after the connection ended: " + error_);
    ws_.text(text);
    const auto ec = run([&](auto handler) {
      ws_.async_write(boost::asio::buffer(bytes.data(), bytes.size()), handler);
    });
    if (ec) fail(ec);
  }

  void read_message(Millis timeout) {
    if (closed_) return;
    boost::beast::flat_buffer buffer;
    const auto ec = run([&](auto handler) { ws_.async_read(buffer, handler); }, timeout);
    if (ec) return fail(ec);
    std::string_view text(static_cast<const char*>(buffer.cdata().data()), buffer.size());
    while (!text.empty()) {
      const auto end = text.find('\n');
      if (end != 0) frames_.push_back(parse_object(text.substr(0, end)));
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
  }

  void fail(boost::beast::error_code ec) {
    closed_ = true;
    // The reason is kept whenever a close frame came, even if the teardown after it failed
    // (the server may reset the TCP connection right after its close frame).
    close_code_ = ws_.reason().code;
    error_ = ec.message();
    if (close_code_ != 0) error_ += " (close code " + std::to_string(close_code_) + ")";
  }

  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  std::deque<json::object> frames_;
  bool closed_ = false;
  bool timed_out_ = false;
  int close_code_ = 0;
  std::string error_;
};

}  // namespace herald::test
