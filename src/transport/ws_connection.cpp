#include "transport/ws_connection.hpp"

#include <boost/asio/post.hpp>

#include "transport/ws_frame_writer.hpp"

namespace herald {
namespace asio = boost::asio;

namespace {

// A peer that does not answer the close frame within this long is cut off.
constexpr auto kCloseTimeout = std::chrono::seconds(5);

// The payload of a frame whose bytes are all in its head (a control frame, the 101).
const Frame& no_payload() {
  static const Frame empty = std::make_shared<const std::string>();
  return empty;
}

std::optional<ProtocolError> counted_as(CloseCode code) {
  switch (code) {
    case CloseCode::unsupported_data:
      return ProtocolError::binary_frame;
    case CloseCode::invalid_payload:
      return ProtocolError::invalid_utf8;
    case CloseCode::too_big:
      return ProtocolError::frame_too_big;
    case CloseCode::protocol_error:
      return ProtocolError::ws_protocol;
    default:
      return std::nullopt;
  }
}

}  // namespace

WsConnection::WsConnection(asio::ip::tcp::socket socket, TransportContext& context)
    : socket_(std::move(socket)),
      context_(context),
      reader_(context.services.limits.max_frame_bytes) {
  context_.services.metrics.connections.add(1);
}

WsConnection::~WsConnection() {
  context_.services.metrics.connections.add(-1);
}

void WsConnection::run(std::string switching, std::string_view early) {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  if (ec) return finish();
  queue(std::move(switching), no_payload());
  context_.sessions.insert(this);
  context_.services.metrics.sessions_on(Transport::websocket).add(1);
  session_ = std::make_shared<Session>(context_.services, *this);
  if (!early.empty()) {
    std::string bytes(early);
    if (const auto violation = reader_.read(bytes, *this)) on_violation(*violation);
  }
  wait_readable();
}

void WsConnection::wait_readable() {
  socket_.async_wait(
      asio::socket_base::wait_read,
      [self = shared_from_this()](boost::system::error_code ec) { self->on_readable(ec); });
}

void WsConnection::on_readable(boost::system::error_code ec) {
  if (ec || finished_) return finish();
  std::vector<char>& buffer = context_.read_buffer;
  const std::size_t bytes = socket_.read_some(asio::buffer(buffer), ec);
  if (ec == asio::error::would_block) return wait_readable();
  if (ec) return finish();  // the peer closed, or the connection broke
  last_heard_ = std::chrono::steady_clock::now();
  if (const auto violation = reader_.read({buffer.data(), bytes}, *this)) on_violation(*violation);
  if (finished_) return;
  if (bytes < buffer.size()) return wait_readable();
  // The socket may hold more: read it after the loop's other connections had their turn.
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->on_readable({}); });
}

void WsConnection::on_text(std::string_view message) {
  if (!finished_) session_->on_frame(message);
}

void WsConnection::on_ping(std::string_view payload) {
  if (!closing_) queue(ws_control_frame(WsOpcode::pong, payload), no_payload());
}

void WsConnection::on_close(std::optional<std::uint16_t> code, std::string_view) {
  // The answer to our own close; or the client closes first, and hears its code back.
  if (!closing_) start_close(ws_close_frame(code, {}));
}

void WsConnection::on_violation(const WsViolation& violation) {
  if (const auto error = counted_as(violation.code)) context_.services.metrics.count(*error);
  close(violation.code, violation.reason);
}

void WsConnection::keep_alive(std::chrono::steady_clock::time_point now) {
  const auto& limits = context_.services.limits;
  const auto silence = now - last_heard_;
  if (silence >= limits.ping_interval + limits.pong_timeout) {
    context_.services.metrics.dead_peers.add();
    boost::system::error_code ignored;
    socket_.close(ignored);  // no close handshake: nobody is listening
    return;
  }
  if (silence < limits.ping_interval) {
    pinging_ = false;
    return;
  }
  if (pinging_ || closing_) return;
  pinging_ = true;
  queue(ws_control_frame(WsOpcode::ping, {}), no_payload());
}

void WsConnection::send(Frame frame) {
  if (closing_ || finished_) return;
  const FaultVerdict fault = faults_.on_send(*frame);  // always "send it once" in a release build
  if (fault.drop) return;
  if (fault.duplicate) queue(ws_frame_header(WsOpcode::text, frame->size()), frame);
  std::string header = ws_frame_header(WsOpcode::text, frame->size());
  queue(std::move(header), std::move(frame));
  if (fault.close) session_->close(CloseCode::internal_error, "fault injected");
}

void WsConnection::queue(std::string head, Frame frame) {
  outbound_.push(std::move(frame), std::move(head));
  // While the socket is full the frame waits for it to drain; otherwise for the end of the turn.
  if (corked_ || waiting_writable_) return;
  corked_ = true;
  context_.cork.defer(weak_from_this(), socket_.get_executor());
}

void WsConnection::when_flushed(std::function<void()> next) {
  outbound_.when_flushed(std::move(next), socket_.get_executor());
}

void WsConnection::uncork() {
  corked_ = false;
  if (!waiting_writable_) write();
}

void WsConnection::write() {
  while (!finished_) {
    if (!outbound_.writing()) {
      if (outbound_.empty()) return on_written();
      outbound_.start_write({}, {});
    }
    boost::system::error_code ec;
    const std::size_t bytes = socket_.write_some(outbound_.unwritten(), ec);
    if (ec == asio::error::would_block) return wait_writable();
    if (ec) return finish();
    context_.services.metrics.bytes_out.add(bytes);
    if (outbound_.written(bytes)) outbound_.finish_write();
  }
}

void WsConnection::wait_writable() {
  waiting_writable_ = true;
  socket_.async_wait(asio::socket_base::wait_write,
                     [self = shared_from_this()](boost::system::error_code ec) {
                       self->waiting_writable_ = false;
                       if (ec) return self->finish();
                       self->write();
                     });
}

void WsConnection::on_written() {
  outbound_.flushed(socket_.get_executor());
  if (!closing_) return;
  // The close frame is out: our side is done. Reading goes on until the client hangs up too.
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void WsConnection::close(CloseCode code, std::string_view reason) {
  if (closing_ || finished_) return;
  // What was not written is dropped: the client resumes it from history.
  if (code == CloseCode::slow_consumer) outbound_.drop_queued();
  start_close(ws_close_frame(static_cast<std::uint16_t>(code), reason));
}

void WsConnection::start_close(std::string frame) {
  closing_ = true;
  queue(std::move(frame), no_payload());
  close_deadline_ = std::make_unique<asio::steady_timer>(socket_.get_executor(), kCloseTimeout);
  close_deadline_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->finish();
  });
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
  // Ends the waits still pending, which hold this connection.
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace herald
