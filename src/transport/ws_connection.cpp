#include "transport/ws_connection.hpp"

namespace herald {
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
// A peer that does not take the close frame within this long is cut off.
constexpr auto kCloseTimeout = std::chrono::seconds(5);
constexpr std::string_view kSeparator = "\n";

}  // namespace

WsConnection::WsConnection(beast::tcp_stream stream, TransportContext& context)
    : ws_(std::move(stream)), context_(context) {
  context_.services.metrics.connections.add(1);
}

WsConnection::~WsConnection() {
  context_.services.metrics.connections.add(-1);
}

void WsConnection::run(const HttpRequest& upgrade) {
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(
      websocket::stream_base::timeout{kHandshakeTimeout, websocket::stream_base::none(), false});
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "herald");
  }));
  ws_.read_message_max(context_.services.limits.max_frame_bytes);
  ws_.control_callback([this](websocket::frame_type, beast::string_view) {
    last_heard_ = std::chrono::steady_clock::now();
  });
  ws_.auto_fragment(false);
  ws_.async_accept(upgrade,
                   [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void WsConnection::on_accept(beast::error_code ec) {
  if (ec) {
    finish();
    return;
  }
  context_.sessions.insert(this);
  context_.services.metrics.sessions_on(Transport::websocket).add(1);
  session_ = std::make_shared<Session>(context_.services, *this);
  read();
}

void WsConnection::read() {
  ws_.async_read(read_buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
    self->on_read(ec, n);
  });
}

void WsConnection::on_read(beast::error_code ec, std::size_t bytes) {
  last_heard_ = std::chrono::steady_clock::now();
  if (ec) {
    count_read_error(ec);
    finish();
    return;
  }
  if (!ws_.got_text()) {
    context_.services.metrics.count(ProtocolError::binary_frame);
    close(CloseCode::unsupported_data, "frames are JSON text");
  } else {
    const auto data = read_buffer_.cdata();
    session_->on_frame({static_cast<const char*>(data.data()), bytes});
  }
  read_buffer_.consume(bytes);
  read_buffer_.shrink_to_fit();  // an idle connection holds no read buffer
  read();
}

void WsConnection::count_read_error(beast::error_code ec) {
  // Beast answers these itself with close 1009 and 1007; they are still the client's fault.
  if (ec == websocket::error::message_too_big) {
    context_.services.metrics.count(ProtocolError::frame_too_big);
  } else if (ec == websocket::error::bad_frame_payload) {
    context_.services.metrics.count(ProtocolError::invalid_utf8);
  }
}

void WsConnection::keep_alive(std::chrono::steady_clock::time_point now) {
  const auto& limits = context_.services.limits;
  const auto silence = now - last_heard_;
  if (silence >= limits.ping_interval + limits.pong_timeout) {
    context_.services.metrics.dead_peers.add();
    beast::get_lowest_layer(ws_).close();  // no close handshake: nobody is listening
    return;
  }
  if (silence < limits.ping_interval) {
    pinging_ = false;
    return;
  }
  if (pinging_ || closing_) return;
  pinging_ = true;
  ws_.async_ping({}, [self = shared_from_this()](beast::error_code) {});
}

void WsConnection::send(Frame frame) {
  if (closing_ || finished_) return;
  outbound_.push(std::move(frame));
  if (!outbound_.writing()) flush();
}

void WsConnection::when_flushed(std::function<void()> next) {
  outbound_.when_flushed(std::move(next), ws_.get_executor());
}

void WsConnection::flush() {
  if (outbound_.flushed(ws_.get_executor())) {
    if (closing_) start_close();
    return;
  }
  ws_.async_write(
      outbound_.start_write(kSeparator, {}),
      [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_write(ec, n); });
}

void WsConnection::on_write(beast::error_code ec, std::size_t bytes) {
  context_.services.metrics.bytes_out.add(bytes);
  outbound_.finish_write();
  if (ec) return finish();
  flush();
}

void WsConnection::close(CloseCode code, std::string_view reason) {
  if (closing_ || finished_) return;
  closing_.emplace(static_cast<websocket::close_code>(code), beast::string_view(reason));
  // What was not written is dropped: the client resumes it from history.
  if (code == CloseCode::slow_consumer) outbound_.drop_queued();
  close_deadline_ = std::make_unique<boost::asio::steady_timer>(ws_.get_executor(), kCloseTimeout);
  close_deadline_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) beast::get_lowest_layer(self->ws_).close();
  });
  if (!outbound_.writing()) flush();
}

void WsConnection::start_close() {
  ws_.async_close(*closing_, [self = shared_from_this()](beast::error_code) { self->finish(); });
}

void WsConnection::finish() {
  if (finished_) return;
  finished_ = true;
  context_.sessions.erase(this);
  if (session_) {
    session_->stop();
    context_.services.metrics.sessions_on(Transport::websocket).add(-1);
  }
  if (close_deadline_) close_deadline_->cancel();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both,
                                                 ignored);
}

}  // namespace herald
