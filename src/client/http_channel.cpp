#include "client/http_channel.hpp"

#include <optional>

#include "client/tcp_connect.hpp"

namespace herald::client {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {
// The largest answer read: a poll answer carries a batch of messages.
constexpr std::uint64_t kMaxAnswerBytes = std::uint64_t{64} << 20;
}  // namespace

struct HttpChannel::Exchange {
  Request request;
  std::chrono::milliseconds timeout{0};
  Handler done;
  bool reused = false;  // sent on a connection an earlier exchange opened
  bool retried = false;
  std::optional<http::response_parser<http::string_body>> parser;
};

HttpChannel::HttpChannel(boost::asio::io_context& io, const LinkSettings& settings)
    : settings_(settings), resolver_(io), stream_(io) {}

void HttpChannel::exchange(Request request, std::chrono::milliseconds timeout, Handler done) {
  request.set(http::field::host, settings_.server.authority);
  request.set(http::field::user_agent, "herald-client/1");
  request.keep_alive(true);
  request.prepare_payload();
  auto exchange = std::make_shared<Exchange>();
  exchange->request = std::move(request);
  exchange->timeout = timeout;
  exchange->done = std::move(done);
  exchange->reused = connected_;
  if (connected_) return write(exchange);
  connect(exchange);
}

void HttpChannel::close() {
  resolver_.cancel();
  stream_.close();
  connected_ = false;
}

void HttpChannel::connect(const std::shared_ptr<Exchange>& exchange) {
  connect_tcp(resolver_, stream_, settings_,
              [this, exchange](beast::error_code ec, const std::string& what) {
                Response none;
                if (ec) return exchange->done(ec, what, none);
                connected_ = true;
                buffer_.clear();
                write(exchange);
              });
}

void HttpChannel::write(const std::shared_ptr<Exchange>& exchange) {
  stream_.expires_after(exchange->timeout);
  http::async_write(stream_, exchange->request,
                    [this, exchange](beast::error_code ec, std::size_t) {
                      if (ec && retry(exchange, 0)) return;
                      Response none;
                      if (ec) return exchange->done(ec, "write: " + ec.message(), none);
                      read(exchange);
                    });
}

void HttpChannel::read(const std::shared_ptr<Exchange>& exchange) {
  exchange->parser.emplace();
  exchange->parser->body_limit(kMaxAnswerBytes);
  http::async_read(stream_, buffer_, *exchange->parser,
                   [this, exchange](beast::error_code ec, std::size_t bytes) {
                     if (ec && retry(exchange, bytes)) return;
                     Response response;
                     if (ec) {
                       connected_ = false;
                       return exchange->done(ec, "read: " + ec.message(), response);
                     }
                     response = exchange->parser->release();
                     if (!response.keep_alive()) close();
                     exchange->done(ec, {}, response);
                   });
}

bool HttpChannel::retry(const std::shared_ptr<Exchange>& exchange, std::size_t bytes_read) {
  // A closed socket means close() or a timeout: nothing to retry.
  const bool idle_close =
      exchange->reused && !exchange->retried && bytes_read == 0 && stream_.socket().is_open();
  connected_ = false;
  if (!idle_close) return false;
  exchange->retried = true;
  stream_.close();
  connect(exchange);
  return true;
}

}  // namespace herald::client
