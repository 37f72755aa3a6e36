#include "transport/poll_session.hpp"

#include <boost/asio/post.hpp>

#include "core/frames.hpp"
#include "core/json_text.hpp"
#include "transport/entity_tag.hpp"

namespace herald {
namespace http = boost::beast::http;

namespace {

// A poll that does not wait still waits for its rooms' history, but no longer than this.
constexpr auto kCatchUpLimit = std::chrono::seconds(10);

}  // namespace

PollSession::PollSession(TransportContext& context, const HttpRequest& request,
                         std::unique_ptr<HeldPolls::Hold> hold, Respond answer)
    : context_(context),
      request_(request),
      hold_(std::move(hold)),
      answer_(std::move(answer)),
      timer_(context.services.executor) {}

PollSession::~PollSession() = default;

void PollSession::run(const PollRequest& poll) {
  wait_ = poll.wait;
  transport_ = wait_.count() > 0 ? Transport::longpoll : Transport::poll;
  joins_pending_ = poll.stream.rooms.size();
  context_.sessions.insert(this);
  context_.services.metrics.sessions_on(transport_).add(1);
  // The wait counts from the request. The timer's handler also keeps this poll alive until it
  // is answered.
  timer_.expires_after(wait_.count() > 0 ? wait_ : kCatchUpLimit);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->answer();
  });
  session_ = std::make_shared<Session>(context_.services, *this);
  // Anonymous whatever `user=` says: a session that ends with the request is no presence.
  session_->on_frame(hello_frame("poll", {}));
  for (const auto& room : poll.stream.rooms)
    session_->on_frame(join_frame(room));
}

void PollSession::send(Frame frame) {
  if (answered_) return;
  const std::string_view op = op_of(*frame);
  if (op == "welcome") return;  // a poll's session is gone with its answer: its id is of no use
  bytes_ += frame->size();
  const bool joined = op == "joined";
  if (!joined) news_ = true;
  (op == "msg" ? messages_ : events_).push_back(std::move(frame));
  if (joined && joins_pending_ > 0 && --joins_pending_ == 0) {
    // The room's replay follows its `joined` in the same handler: decide after it.
    boost::asio::post(context_.services.executor,
                      [self = shared_from_this()] { self->on_caught_up(); });
    return;
  }
  // A refused join never catches up: say so now rather than at the end of the wait.
  if ((joins_pending_ == 0 && news_) || op == "error") answer_soon();
}

void PollSession::on_caught_up() {
  if (news_ || wait_.count() == 0) answer();
}

void PollSession::close(CloseCode code, std::string_view reason) {
  if (answered_) return;
  news_ = true;
  events_.push_back(
      std::make_shared<const std::string>(encode_close(static_cast<int>(code), reason)));
  answer_soon();
}

// Posted, so that a burst fanned out in the same turn of the loop goes in one answer.
void PollSession::answer_soon() {
  if (answer_posted_) return;
  answer_posted_ = true;
  boost::asio::post(context_.services.executor, [self = shared_from_this()] { self->answer(); });
}

void PollSession::answer() {
  if (answered_) return;
  answered_ = true;
  timer_.cancel();
  HttpResponse response = this->response();
  session_->stop();
  context_.sessions.erase(this);
  context_.services.metrics.sessions_on(transport_).add(-1);
  hold_.reset();
  answer_(std::move(response));
}

HttpResponse PollSession::response() const {
  const std::string cursor = encode_cursor(session_->cursor());
  std::string etag = '"' + cursor + '"';
  if (!news_ && if_none_match_holds(request_[http::field::if_none_match], etag)) {
    HttpResponse unchanged(http::status::not_modified, request_.version());
    unchanged.keep_alive(request_.keep_alive());
    unchanged.set(http::field::etag, etag);
    unchanged.set(http::field::cache_control, "no-cache");
    return unchanged;
  }
  std::string body = R"({"messages":)";
  append_frame_array(body, messages_);
  body += R"(,"events":)";
  append_frame_array(body, events_);
  body += R"(,"cursor":)";
  append_json_string(body, cursor);
  body += '}';
  HttpResponse response = json_response(request_, http::status::ok, std::move(body));
  response.set(http::field::etag, etag);
  response.set(http::field::cache_control, "no-cache");
  return response;
}

}  // namespace herald
