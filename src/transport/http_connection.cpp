#include "transport/http_connection.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "transport/ws_connection.hpp"

namespace herald {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Slow or idle HTTP clients (slowloris) do not keep a connection beyond this.
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr std::size_t kHeaderLimit = std::size_t{16} * 1024;

std::string_view refusal_reason(Refusal why) {
  switch (why) {
    case Refusal::full:
      return "the server has reached its connection limit; retry later";
    case Refusal::rate:
      return "too many new connections; retry later";
    case Refusal::draining:
      return "the server is shutting down; retry later";
    case Refusal::count_:
      break;
  }
  return "retry later";
}

}  // namespace

HttpConnection::HttpConnection(boost::asio::ip::tcp::socket socket, TransportContext& context)
    : stream_(std::move(socket)), context_(context) {
  context_.services.metrics.connections.add(1);
}

HttpConnection::~HttpConnection() {
  context_.services.metrics.connections.add(-1);
}

void HttpConnection::start() {
  refused_ = context_.admission.admit_connection();
  read();
}

void HttpConnection::read() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  // A publish body carries one message: the frame limit plus room for the envelope fields.
  parser_->body_limit(context_.services.limits.max_frame_bytes + 1024);
  stream_.expires_after(kRequestTimeout);
  http::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void HttpConnection::on_read(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    // The rest of the body is still on the wire: answer, then close.
    auto response = json_error(parser_->get(), http::status::payload_too_large, "too_large",
                               "the request body is over the limit");
    response.keep_alive(false);
    write(std::move(response));
    return;
  }
  if (ec) {
    close();
    return;
  }
  context_.services.metrics.http_requests.add();
  HttpRequest request = parser_->release();
  // Refused before the upgrade, too: a refused WebSocket never costs a session.
  if (const auto refused = refused_ ? refused_ : context_.admission.admit_request()) {
    refuse(request, *refused);
    return;
  }
  if (beast::websocket::is_upgrade(request) && request_path(request) == "/ws") {
    std::make_shared<WsConnection>(std::move(stream_), context_)->run(request);
    return;
  }
  auto executor = stream_.get_executor();
  context_.router.dispatch(request, [self = shared_from_this(), executor](HttpResponse response) {
    boost::asio::dispatch(executor, [self, response = std::move(response)]() mutable {
      self->write(std::move(response));
    });
  });
}

void HttpConnection::refuse(const HttpRequest& request, const Admission::Refused& refused) {
  auto response = json_error(request, http::status::service_unavailable, to_string(refused.why),
                             refusal_reason(refused.why));
  response.set(http::field::retry_after, std::to_string(refused.retry_after.count()));
  response.keep_alive(false);  // the client comes back on a fresh connection, maybe elsewhere
  write(std::move(response));
}

void HttpConnection::write(HttpResponse response) {
  response_ = std::make_shared<HttpResponse>(std::move(response));
  http::async_write(stream_, *response_,
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      const bool keep_alive = self->response_->keep_alive();
                      self->response_.reset();
                      if (ec || !keep_alive) {
                        self->close();
                        return;
                      }
                      self->read();
                    });
}

void HttpConnection::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
}

}  // namespace herald
