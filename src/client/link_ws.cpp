// The WebSocket transport: one connection carries everything, both ways.

#include <spdlog/spdlog.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

#include "client/link.hpp"
#include "client/server_wait.hpp"
#include "client/tcp_connect.hpp"

namespace herald::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

std::string describe_read_failure(const websocket::stream<beast::tcp_stream>& ws,
                                  beast::error_code ec) {
  if (ec != websocket::error::closed) return "read: " + ec.message();
  const websocket::close_reason& reason = ws.reason();
  std::string out = "closed by the server: " + std::to_string(reason.code);
  if (!reason.reason.empty()) out += " " + std::string(reason.reason.data(), reason.reason.size());
  return out;
}

class WsLink final : public Link {
 public:
  WsLink(asio::io_context& io, const Link::Settings& settings, std::weak_ptr<LinkOwner> owner)
      : Link(io, settings, std::move(owner)), resolver_(io), ws_(io) {}

  void open() override {
    connect_tcp(resolver_, beast::get_lowest_layer(ws_), settings_,
                [self = shared(), this](beast::error_code ec, const std::string& what) {
                  if (!attached()) return;
                  if (ec) return fail({what});
                  reached_server_ = true;
                  handshake();
                });
  }

  void send(std::string frame) override {
    outbox_.push_back(std::move(frame));
    if (!writing_) write_next();
  }

 private:
  std::shared_ptr<WsLink> shared() { return std::static_pointer_cast<WsLink>(shared_from_this()); }

  void handshake() {
    // The WebSocket's own timeouts from here on; keep_alive_pings: a ping at half the idle
    // timeout tells a silent server from a dead one.
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(
        websocket::stream_base::timeout{settings_.connect_timeout, settings_.idle_timeout, true});
    ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(http::field::user_agent, "herald-client/1");
    }));
    upgrade_ = std::make_unique<websocket::response_type>();
    ws_.async_handshake(*upgrade_, settings_.server.authority, settings_.server.target,
                        [self = shared(), this](beast::error_code ec) { on_handshake(ec); });
  }

  void on_handshake(beast::error_code ec) {
    if (!attached()) return;
    const auto upgrade = std::move(upgrade_);
    if (ec) return fail(refusal(*upgrade, "handshake: " + ec.message()));
    open_ = true;
    ws_.text(true);
    send(settings_.hello);
    read();
  }

  // A refused upgrade (no 101) or a connection reset before any answer: this network or server
  // does not do WebSocket. Only a 503 is the server asking to come back later.
  static LinkFailure refusal(const websocket::response_type& response, std::string reason) {
    const unsigned status = response.result_int();
    reason += " (HTTP " + std::to_string(status) + ")";
    if (status == 503) return {std::move(reason), false, retry_after(response)};
    return {std::move(reason), true};
  }

  void write_next() {
    writing_ = true;
    ws_.async_write(asio::buffer(outbox_.front()),
                    [self = shared(), this](beast::error_code ec, std::size_t) {
                      writing_ = false;
                      outbox_.pop_front();
                      if (closing_) return close_gracefully();
                      if (!attached()) return;
                      if (ec) return fail({"write: " + ec.message()});
                      if (!outbox_.empty()) write_next();
                    });
  }

  void read() {
    ws_.async_read(inbox_, [self = shared(), this](beast::error_code ec, std::size_t) {
      if (!attached()) return;
      // Reset before the first frame: something between here and the server kills WebSockets.
      if (ec) return fail({describe_read_failure(ws_, ec), !heard_});
      heard_ = true;
      on_text();
      // Between messages an idle connection holds no read buffer (a load generator has many).
      inbox_.clear();
      inbox_.shrink_to_fit();
      if (attached()) read();
    });
  }

  // The server coalesces: one WebSocket message carries frames separated by '\n'.
  void on_text() {
    const auto bytes = inbox_.cdata();
    std::string_view text(static_cast<const char*>(bytes.data()), bytes.size());
    while (!text.empty() && attached()) {
      const auto end = text.find('\n');
      if (end != 0) deliver(text.substr(0, end));
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
  }

  void end(bool graceful) override {
    resolver_.cancel();
    if (!open_ || !graceful) {
      beast::get_lowest_layer(ws_).close();
      return;
    }
    // Only the frame being written stays: nothing queued matters once we leave.
    if (writing_) {
      outbox_.resize(1);
      closing_ = true;
    } else {
      outbox_.clear();
      close_gracefully();
    }
  }

  // Sends the close frame once no write is in flight; the link lives on in the handler.
  void close_gracefully() {
    ws_.async_close(websocket::close_code::normal, [self = shared()](beast::error_code ec) {
      spdlog::debug("herald client: closed ({})", ec ? ec.message() : "clean");
    });
  }

  asio::ip::tcp::resolver resolver_;
  websocket::stream<beast::tcp_stream> ws_;
  std::unique_ptr<websocket::response_type> upgrade_;  // only during the handshake
  beast::flat_buffer inbox_;                           // released after every message
  std::deque<std::string> outbox_;                     // front() is being written
  bool writing_ = false;
  bool open_ = false;     // handshake done
  bool heard_ = false;    // a frame arrived
  bool closing_ = false;  // close gracefully once the write in flight completes
};

}  // namespace

LinkPtr make_ws_link(asio::io_context& io, const Link::Settings& settings,
                     std::weak_ptr<LinkOwner> owner) {
  return std::make_shared<WsLink>(io, settings, std::move(owner));
}

}  // namespace herald::client
