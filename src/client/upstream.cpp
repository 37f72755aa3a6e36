#include "client/upstream.hpp"

#include "client/http_answers.hpp"
#include "client/server_wait.hpp"

namespace herald::client {

namespace http = boost::beast::http;

namespace {

// The server takes a body of one frame of its limit plus some room (64 KiB by default): keep a
// batch under that. A larger frame still goes, alone.
constexpr std::size_t kMaxBatchBytes = std::size_t{64} << 10;

}  // namespace

Upstream::Upstream(boost::asio::io_context& io, const LinkSettings& settings, Link& link)
    : settings_(settings), link_(link), channel_(io, settings) {}

void Upstream::set_session(std::string session) {
  session_ = std::move(session);
  if (!posting_ && !queued_.empty()) post_next();
}

void Upstream::send(std::string frame) {
  queued_.push_back(std::move(frame));
  if (!posting_ && session_) post_next();
}

void Upstream::post_next() {
  std::string body;
  std::size_t taken = 0;
  for (; taken < queued_.size(); ++taken) {
    const std::string& frame = queued_[taken];
    if (taken > 0 && body.size() + 1 + frame.size() > kMaxBatchBytes) break;
    if (taken > 0) body += '\n';
    body += frame;
  }
  queued_.erase(queued_.begin(), queued_.begin() + static_cast<std::ptrdiff_t>(taken));

  std::string target = settings_.server.base() + "/send";
  if (!session_->empty()) target += "?session=" + *session_;
  HttpChannel::Request request{http::verb::post, target, 11};
  request.set(http::field::content_type, "text/plain");
  request.body() = std::move(body);
  posting_ = true;
  // The answer comes once every publish in it is durable: allow for a slow commit.
  channel_.exchange(
      std::move(request), settings_.idle_timeout,
      [link = link_.shared_from_this(), this](boost::beast::error_code ec, const std::string& what,
                                              HttpChannel::Response& response) {
        posting_ = false;
        if (!link->attached()) return;
        if (ec) return link->fail({"send: " + what});
        on_answer(response);
      });
}

void Upstream::on_answer(HttpChannel::Response& response) {
  if (response.result() != http::status::ok) {
    // 404: the session is gone (its stream ended); 503: the edge refuses or drains. Either
    // way what this body carried is not known to be done: the link is over.
    std::string reason = "send: HTTP " + std::to_string(response.result_int());
    if (!response.body().empty()) reason += " " + response.body();
    return link_.fail({std::move(reason), false, retry_after(response)});
  }
  const auto frames = parse_send_answer(response.body());
  if (!frames) return link_.fail({"send: a malformed answer: " + response.body()});
  for (const std::string& frame : *frames) {
    if (!link_.attached()) return;
    link_.deliver(frame);
  }
  if (link_.attached() && !posting_ && !queued_.empty()) post_next();
}

}  // namespace herald::client
