// The Server-Sent Events transport: GET /sse streams the server's frames down, one event each;
// POST /send?session=ID carries the client's frames up.

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "client/http_refusal.hpp"
#include "client/link.hpp"
#include "client/sse_parser.hpp"
#include "client/tcp_connect.hpp"
#include "client/upstream.hpp"

namespace herald::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// An error answer is read whole to say what it was, up to this much.
constexpr std::size_t kMaxErrorBody = 4096;

class SseLink final : public Link {
 public:
  SseLink(asio::io_context& io, const Link::Settings& settings, std::weak_ptr<LinkOwner> owner)
      : Link(io, settings, std::move(owner)),
        resolver_(io),
        stream_(io),
        upstream_(io, *settings, *this) {}

  void open() override {
    const auto query = stream_query();
    if (!query) return;
    if (query->rooms.empty()) {
      // A stream needs a room; a client in none can still publish over polling.
      return asio::post(io_, [self = shared()] { self->fail({"sse: no room to follow", true}); });
    }
    opened_rooms_ = query->rooms;
    request_ = {http::verb::get, settings_.server.base() + "/sse?" + query_string(*query), 11};
    request_.set(http::field::host, settings_.server.authority);
    request_.set(http::field::user_agent, "herald-client/1");
    request_.set(http::field::accept, "text/event-stream");
    request_.set(http::field::cache_control, "no-cache");
    connect_tcp(resolver_, stream_, settings_,
                [self = shared(), this](beast::error_code ec, const std::string& what) {
                  if (!attached()) return;
                  if (ec) return fail({what});
                  reached_server_ = true;
                  http::async_write(stream_, request_,
                                    [self, this](beast::error_code ec, std::size_t) {
                                      if (!attached()) return;
                                      if (ec) return fail({"sse: write: " + ec.message(), true});
                                      read_header();
                                    });
                });
  }

  void send(std::string frame) override { upstream_.send(std::move(frame)); }

  void established(std::string_view session) override {
    Link::established(session);
    upstream_.set_session(std::string(session));
  }

 private:
  std::shared_ptr<SseLink> shared() {
    return std::static_pointer_cast<SseLink>(shared_from_this());
  }

  void read_header() {
    parser_.body_limit(boost::none);  // a stream has no end
    http::async_read_header(
        stream_, buffer_, parser_, [self = shared(), this](beast::error_code ec, std::size_t) {
          if (!attached()) return;
          if (ec) return fail({"sse: read: " + ec.message(), true});
          streaming_ = parser_.get().result() == http::status::ok;
          const std::string_view type = parser_.get()[http::field::content_type];
          if (streaming_ && !type.starts_with("text/event-stream")) {
            return fail({"sse: answered with " + std::string(type), true});
          }
          read_body();
        });
  }

  void read_body() {
    parser_.get().body().data = chunk_.data();
    parser_.get().body().size = chunk_.size();
    // The server comments a silent stream every 15 s: a longer silence is a dead one.
    stream_.expires_after(settings_.idle_timeout);
    http::async_read_some(stream_, buffer_, parser_,
                          [self = shared(), this](beast::error_code ec, std::size_t) {
                            if (!attached()) return;
                            if (ec == http::error::need_buffer) ec = {};
                            const std::size_t n = chunk_.size() - parser_.get().body().size;
                            const std::string_view bytes(chunk_.data(), n);
                            if (streaming_ ? !on_stream(bytes) : !on_error_body(bytes)) return;
                            if (ec || parser_.is_done()) return ended(ec);
                            read_body();
                          });
  }

  bool on_stream(std::string_view bytes) {
    const bool ok = events_.feed(bytes, [this](const SseEvent& event) {
      heard_ = true;
      deliver(event.data);
    });
    if (!ok) fail({"sse: an event line over the limit"});
    return ok && attached();
  }

  bool on_error_body(std::string_view bytes) {
    error_body_.append(
        bytes.substr(0, kMaxErrorBody - std::min(kMaxErrorBody, error_body_.size())));
    return true;
  }

  void ended(beast::error_code ec) {
    if (streaming_) {
      const std::string why = ec ? ec.message() : "the server ended it";
      return fail({"sse: stream lost: " + why, !heard_});
    }
    const auto& response = parser_.get();
    fail_refused(*this, "sse", response.result_int(), response, error_body_);
  }

  void end(bool /*graceful*/) override {
    // Closing the stream is all a server needs to end the session.
    resolver_.cancel();
    stream_.close();
    upstream_.close();
  }

  asio::ip::tcp::resolver resolver_;
  beast::tcp_stream stream_;
  Upstream upstream_;
  http::request<http::empty_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::buffer_body> parser_;
  std::array<char, 16384> chunk_{};
  SseParser events_;
  bool streaming_ = false;  // a 200 event stream, not an error answer
  bool heard_ = false;      // an event arrived
  std::string error_body_;
};

}  // namespace

LinkPtr make_sse_link(asio::io_context& io, const Link::Settings& settings,
                      std::weak_ptr<LinkOwner> owner) {
  return std::make_shared<SseLink>(io, settings, std::move(owner));
}

}  // namespace herald::client
