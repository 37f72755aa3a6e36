#include "transport/http_connection.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/url/parse.hpp>

#include "transport/http_response_text.hpp"
#include "transport/poll_session.hpp"
#include "transport/request_session.hpp"
#include "transport/sse_connection.hpp"
#include "transport/ws_connection.hpp"
#include "transport/ws_handshake.hpp"

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

HttpResponse unknown_session(const HttpRequest& request) {
  return json_error(request, http::status::not_found, "unknown_session",
                    "no open session with this id: open a stream first");
}

// `?session=ID`; absent when the request names none.
std::optional<std::string> session_param(const HttpRequest& request) {
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) return std::nullopt;
  for (const auto& param : url->params()) {
    if (param.key == "session") return std::string(param.value);
  }
  return std::nullopt;
}

std::string replies_body(const std::vector<Frame>& frames) {
  std::string body = R"({"frames":)";
  append_frame_array(body, frames);
  body += '}';
  return body;
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
  // The route decides, once the header names it.
  parser_->body_limit(boost::none);
  stream_.expires_after(kRequestTimeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void HttpConnection::on_header(beast::error_code ec) {
  if (ec) return on_read(ec);
  // A body carries one frame, unless its route takes more.
  const std::size_t limit = context_.router.body_limit(parser_->get())
                                .value_or(context_.services.limits.max_body_bytes());
  parser_->body_limit(limit);
  // The parser checks a Content-Length against the limit only while it reads the header.
  if (parser_->content_length().value_or(0) > limit) return on_read(http::error::body_limit);
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
    write(response);
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
  if (hand_over(request)) return;
  auto executor = stream_.get_executor();
  context_.router.dispatch(request, [self = shared_from_this(), executor](HttpResponse response) {
    boost::asio::dispatch(executor,
                          [self, response = std::move(response)] { self->write(response); });
  });
}

bool HttpConnection::hand_over(const HttpRequest& request) {
  const std::string_view path = request_path(request);
  const Transports& offered = context_.transports;
  const bool get = request.method() == http::verb::get;
  if (offered.offers(Transport::websocket) && beast::websocket::is_upgrade(request) &&
      path == "/ws") {
    upgrade(request);
    return true;
  }
  if (offered.offers(Transport::sse) && get && path == "/sse") {
    const auto stream = parse_stream_request(request, context_.services.limits);
    if (const auto* error = std::get_if<StreamRequestError>(&stream)) {
      bad_request(request, *error);
      return true;
    }
    std::make_shared<SseConnection>(std::move(stream_), context_)
        ->run(std::get<StreamRequest>(stream));
    return true;
  }
  const bool polls = offered.offers(Transport::longpoll) || offered.offers(Transport::poll);
  if (polls && get && path == "/poll") {
    poll(request);
    return true;
  }
  if (request.method() == http::verb::post && path == "/send") {
    relay(request);
    return true;
  }
  return false;
}

void HttpConnection::upgrade(const HttpRequest& request) {
  auto answer = answer_ws_upgrade(request);
  if (auto* refusal = std::get_if<HttpResponse>(&answer)) {
    context_.services.metrics.count(ProtocolError::bad_upgrade);
    write(*refusal);
    return;
  }
  // Bytes the client sent right behind its request were read with it.
  const auto early = buffer_.cdata();
  std::make_shared<WsConnection>(stream_.release_socket(), context_)
      ->run(std::move(std::get<std::string>(answer)),
            {static_cast<const char*>(early.data()), early.size()});
}

void HttpConnection::poll(const HttpRequest& request) {
  auto parsed = parse_poll_request(request, context_.services.limits);
  if (const auto* error = std::get_if<StreamRequestError>(&parsed)) {
    bad_request(request, *error);
    return;
  }
  auto& poll = std::get<PollRequest>(parsed);
  // An edge that offers short-polls only answers every poll at once.
  if (!context_.transports.offers(Transport::longpoll)) poll.wait = std::chrono::seconds(0);
  beast::error_code ec;
  const auto peer = stream_.socket().remote_endpoint(ec);
  auto hold = context_.held_polls.try_hold(ec ? std::string() : peer.address().to_string());
  if (!hold) {
    context_.services.metrics.count(ProtocolError::too_many_polls);
    write(json_error(request, http::status::too_many_requests, "too_many_polls",
                     "this address holds as many polls as it may; poll one at a time"));
    return;
  }
  auto answer = [self = shared_from_this()](const HttpResponse& response) {
    self->write(response);
  };
  std::make_shared<PollSession>(context_, request, std::move(hold), std::move(answer))->run(poll);
}

void HttpConnection::bad_request(const HttpRequest& request, const StreamRequestError& error) {
  context_.services.metrics.count(error.code);
  write(json_error(request, http::status::bad_request, to_string(error.code), error.reason));
}

void HttpConnection::relay(const HttpRequest& request) {
  // Answered on this loop once the session's loop has handled every frame of the body; nothing
  // for a session that closed meanwhile.
  auto respond = [self = shared_from_this(), request](std::optional<std::vector<Frame>> frames) {
    boost::asio::dispatch(
        self->stream_.get_executor(), [self, request, frames = std::move(frames)] {
          self->write(frames ? json_response(request, http::status::ok, replies_body(*frames))
                             : unknown_session(request));
        });
  };
  const auto id = session_param(request);
  if (!id) {
    run_request_session(context_.services, request.body(),
                        [respond](std::vector<Frame> frames) { respond(std::move(frames)); });
    return;
  }
  const auto entry = context_.directory.find(*id);
  if (!entry) {
    context_.services.metrics.count(ProtocolError::unknown_session);
    write(unknown_session(request));
    return;
  }
  boost::asio::post(entry->executor, [session = entry->session, body = request.body(),
                                      respond = std::move(respond)] {
    const auto open = session.lock();
    if (!open || !open->open()) return respond(std::nullopt);
    feed_lines(*open, body, std::make_shared<Replies>([respond](std::vector<Frame> frames) {
      respond(std::move(frames));
    }));
  });
}

void HttpConnection::refuse(const HttpRequest& request, const Admission::Refused& refused) {
  auto response = json_error(request, http::status::service_unavailable, to_string(refused.why),
                             refusal_reason(refused.why));
  response.set(http::field::retry_after, std::to_string(refused.retry_after.count()));
  response.keep_alive(false);  // the client comes back on a fresh connection, maybe elsewhere
  write(response);
}

void HttpConnection::write(const HttpResponse& response) {
  const bool keep_alive = response.keep_alive();
  auto text = std::make_shared<const std::string>(http_response_text(response));
  // A long-poll answers long after its request was read: the write gets a deadline of its own.
  stream_.expires_after(kRequestTimeout);
  boost::asio::async_write(
      stream_, boost::asio::buffer(*text),
      [self = shared_from_this(), text, keep_alive](beast::error_code ec, std::size_t) {
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
