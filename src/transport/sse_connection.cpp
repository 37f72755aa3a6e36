#include "transport/sse_connection.hpp"

#include "core/frames.hpp"
#include "core/json_text.hpp"

namespace herald {
namespace beast = boost::beast;

namespace {

// A stream that will not take its last events within this long is cut off.
constexpr auto kCloseTimeout = std::chrono::seconds(5);
// How long an EventSource waits before it reconnects (the `retry` field).
constexpr auto kRetry = std::chrono::milliseconds(1000);
constexpr std::string_view kEventEnd = "\n\n";

Frame response_header() {
  std::string header =
      "HTTP/1.1 200 OK\r\n"
      "Server: herald\r\n"
      "Content-Type: text/event-stream\r\n"
      "Cache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\n"
      "Connection: close\r\n"
      "\r\n";
  header += "retry: " + std::to_string(kRetry.count());
  return std::make_shared<const std::string>(std::move(header));
}

const Frame& keepalive_comment() {
  static const Frame comment = std::make_shared<const std::string>(":");
  return comment;
}

std::string event_head(const Cursor& cursor, std::string_view op) {
  std::string head;
  if (!cursor.empty()) head += "id: " + encode_cursor(cursor) + "\n";
  if (op != "msg") {
    head += "event: ";
    head += op;
    head += "\n";
  }
  head += "data: ";
  return head;
}

}  // namespace

SseConnection::SseConnection(beast::tcp_stream stream, TransportContext& context)
    : stream_(std::move(stream)), context_(context) {
  context_.services.metrics.connections.add(1);
}

SseConnection::~SseConnection() {
  context_.services.metrics.connections.add(-1);
}

void SseConnection::run(const StreamRequest& request) {
  stream_.expires_never();
  outbound_.push(response_header());
  context_.sessions.insert(this);
  context_.services.metrics.sessions_on(Transport::sse).add(1);
  session_ = std::make_shared<Session>(context_.services, *this);
  context_.directory.add(session_->id(), {stream_.get_executor(), session_});
  session_->on_frame(hello_frame("sse", request));
  for (const auto& room : request.rooms)
    session_->on_frame(join_frame(room));
  if (!outbound_.writing()) flush();  // the welcome may have started a write already
  watch();
}

// The client sends nothing after its request, so a completed read means it hung up.
void SseConnection::watch() {
  stream_.async_read_some(boost::asio::buffer(ignored_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) {
                              self->finish();
                              return;
                            }
                            self->watch();
                          });
}

void SseConnection::send(Frame frame) {
  if (closing_ || finished_) return;
  std::string head = event_head(session_->cursor(), op_of(*frame));
  outbound_.push(std::move(frame), std::move(head));
  if (!outbound_.writing()) flush();
}

void SseConnection::when_flushed(std::function<void()> next) {
  outbound_.when_flushed(std::move(next), stream_.get_executor());
}

void SseConnection::flush() {
  if (outbound_.flushed(stream_.get_executor())) {
    if (closing_) finish();
    return;
  }
  last_written_ = std::chrono::steady_clock::now();
  boost::asio::async_write(
      stream_, outbound_.start_write({}, kEventEnd),
      [self = shared_from_this()](beast::error_code ec, std::size_t n) { self->on_write(ec, n); });
}

void SseConnection::on_write(beast::error_code ec, std::size_t bytes) {
  context_.services.metrics.bytes_out.add(bytes);
  outbound_.finish_write();
  if (ec) return finish();
  flush();
}

void SseConnection::close(CloseCode code, std::string_view reason) {
  if (closing_ || finished_) return;
  // What was not written is dropped: the client resumes it from history.
  if (code == CloseCode::slow_consumer) outbound_.drop_queued();
  outbound_.push(std::make_shared<const std::string>(encode_close(static_cast<int>(code), reason)),
                 event_head(session_->cursor(), "close"));
  closing_ = true;
  // A timer of its own: the stream's timeout would also end the watch for a hang-up.
  close_deadline_ =
      std::make_unique<boost::asio::steady_timer>(stream_.get_executor(), kCloseTimeout);
  close_deadline_->async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->stream_.close();
  });
  if (!outbound_.writing()) flush();
}

void SseConnection::keep_alive(std::chrono::steady_clock::time_point now) {
  if (closing_ || finished_ || now - last_written_ < context_.services.limits.stream_keepalive) {
    return;
  }
  outbound_.push(keepalive_comment());
  if (!outbound_.writing()) flush();
}

void SseConnection::finish() {
  if (finished_) return;
  finished_ = true;
  context_.sessions.erase(this);
  if (close_deadline_) close_deadline_->cancel();
  if (session_) {
    context_.directory.remove(session_->id());
    session_->stop();
    context_.services.metrics.sessions_on(Transport::sse).add(-1);
  }
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
}

}  // namespace herald
