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

}  // namespace

HttpConnection::HttpConnection(boost::asio::ip::tcp::socket socket, TransportContext& context)
    : stream_(std::move(socket)), context_(context) {
  context_.services.metrics.connections.add(1);
}

HttpConnection::~HttpConnection() {
  context_.services.metrics.connections.add(-1);
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
