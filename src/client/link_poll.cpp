// Long-poll and short-poll: GET /poll asks, every time, for what is newer than the cursor in
// the client's rooms; each answer is a session of its own (joined events, then messages).
// POST /send, without a session, carries publishes up.

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/http_answers.hpp"
#include "client/http_channel.hpp"
#include "client/http_refusal.hpp"
#include "client/link.hpp"
#include "client/upstream.hpp"

namespace herald::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class PollLink final : public Link {
 public:
  PollLink(asio::io_context& io, const Link::Settings& settings, std::weak_ptr<LinkOwner> owner,
           std::chrono::seconds wait)
      : Link(io, settings, std::move(owner)),
        channel_(io, *settings),
        upstream_(io, *settings, *this),
        timer_(io),
        wait_(wait) {}

  void open() override {
    upstream_.set_session({});
    poll();
  }

  void send(std::string frame) override { upstream_.send(std::move(frame)); }
  bool has_session() const override { return false; }

 private:
  std::shared_ptr<PollLink> shared() {
    return std::static_pointer_cast<PollLink>(shared_from_this());
  }

  void poll() {
    const auto query = stream_query();
    if (!query) return;
    if (query->rooms.empty()) {
      // Nothing to follow (a client that only publishes): ready, and look again later. Posted:
      // open() must not call back into the Client.
      return asio::post(io_, [self = shared()] {
        if (!self->attached()) return;
        self->ready();
        self->poll_after(self->settings_.poll_interval);
      });
    }
    // The first poll is answered at once, so the link is known to work within the connect
    // timeout; the later ones are held.
    const std::chrono::seconds wait = ready_ ? wait_ : std::chrono::seconds(0);
    std::string target = settings_.server.base() + "/poll?" + query_string(*query) +
                         "&wait=" + std::to_string(wait.count());
    HttpChannel::Request request{http::verb::get, target, 11};
    // The ETag is the answer's cursor: with nothing new since, the server answers 304 Not
    // Modified and no body, so a quiet room costs a short-poller next to nothing.
    if (wait.count() == 0 && !etag_.empty()) request.set(http::field::if_none_match, etag_);
    channel_.exchange(std::move(request), settings_.connect_timeout + wait,
                      [self = shared(), this](beast::error_code ec, const std::string& what,
                                              HttpChannel::Response& response) {
                        if (!attached()) return;
                        if (ec) return fail({"poll: " + what});
                        reached_server_ = true;
                        on_answer(response);
                      });
  }

  void poll_after(std::chrono::milliseconds delay) {
    timer_.expires_after(delay);
    timer_.async_wait([self = shared(), this](beast::error_code ec) {
      if (!ec && attached()) poll();
    });
  }

  void ready() {
    if (!std::exchange(ready_, true)) announce_ready();
  }

  void on_answer(HttpChannel::Response& response) {
    switch (response.result()) {
      case http::status::ok:
        return on_news(response);
      case http::status::not_modified:
        ready();
        return poll_after(settings_.poll_interval);
      default:
        return fail_refused(*this, "poll", response.result_int(), response, response.body());
    }
  }

  void on_news(const HttpChannel::Response& response) {
    const auto answer = parse_poll_answer(response.body());
    if (!answer) return fail({"poll: a malformed answer: " + response.body()});
    etag_ = response[http::field::etag];
    ready();
    for (const auto* frames : {&answer->events, &answer->messages}) {
      for (const std::string& frame : *frames) {
        if (!attached()) return;
        deliver(frame);
      }
    }
    if (!attached()) return;
    if (answer->goaway) return fail({"poll: goaway"});
    if (wait_.count() == 0 && !answer->news) return poll_after(settings_.poll_interval);
    poll();
  }

  void end(bool /*graceful*/) override {
    timer_.cancel();
    channel_.close();
    upstream_.close();
  }

  HttpChannel channel_;
  Upstream upstream_;
  asio::steady_timer timer_;
  std::chrono::seconds wait_;
  std::string etag_;    // of the last answer
  bool ready_ = false;  // a poll was answered
};

}  // namespace

LinkPtr make_poll_link(asio::io_context& io, const Link::Settings& settings,
                       std::weak_ptr<LinkOwner> owner, std::chrono::seconds wait) {
  return std::make_shared<PollLink>(io, settings, std::move(owner), wait);
}

}  // namespace herald::client
