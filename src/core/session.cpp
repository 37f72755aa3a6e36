#include "core/session.hpp"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>

#include "core/post_answer.hpp"
#include "core/subscription.hpp"

namespace herald {
namespace {

// 128 bits from the kernel's CSPRNG: the id is all a client shows to speak for its session
// beside the stream (POST /send), so it must not be guessable from other ids.
std::string random_session_id() {
  std::array<unsigned char, 16> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n > 0) filled += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (const unsigned char byte : bytes) {
    id += kHex[byte >> 4];
    id += kHex[byte & 0xf];
  }
  return id;
}

}  // namespace

Session::Session(const SessionServices& services, Outlet& outlet)
    : services_(services),
      outlet_(outlet),
      id_(random_session_id()),
      publish_budget_(services.limits.publish_rate, services.limits.publish_burst) {
  services_.metrics.sessions.add(1);
}

Session::~Session() {
  stop();
  services_.metrics.sessions.add(-1);
}

void Session::stop() {
  open_ = false;
  if (stopped_) return;
  stopped_ = true;
  if (!user_.empty()) services_.presence.remove(id_);
  for (const auto& subscription : rooms_)
    services_.hub.leave(subscription->room(), subscription.get());
  rooms_.clear();
}

void Session::send(Frame frame) {
  if (!open_) return;
  outlet_.send(std::move(frame));
  if (outlet_.queued_bytes() > services_.limits.outbound_queue_bytes) {
    close(CloseCode::slow_consumer, "outbound queue full");
  }
}

void Session::close(CloseCode code, std::string_view reason) {
  if (!open_) return;
  open_ = false;
  if (code == CloseCode::slow_consumer) services_.metrics.slow_consumer_closes.add();
  outlet_.close(code, reason);
  // Leaving rooms now could pull a member out from under a fan-out in progress.
  boost::asio::post(services_.executor, [weak = weak_from_this()] {
    if (auto self = weak.lock()) self->stop();
  });
}

void Session::go_away(std::chrono::milliseconds reconnect) {
  send(encode_goaway(reconnect));
  close(CloseCode::going_away, "server shutting down");
}

void Session::reject(const DecodeError& error, long retry_after_ms) {
  services_.metrics.count(error.code);
  answer(encode_error({to_string(error.code), error.reason, error.room, error.id, retry_after_ms}),
         replies_);
}

void Session::answer(std::string frame, const std::shared_ptr<Replies>& replies) {
  if (replies) {
    replies->add(std::make_shared<const std::string>(std::move(frame)));
  } else {
    send(std::move(frame));
  }
}

void Session::on_frame(std::string_view text, const std::shared_ptr<Replies>& replies) {
  if (!open_) return;
  keep_present();
  replies_ = replies;
  handle(text);
  replies_.reset();
}

void Session::handle(std::string_view text) {
  ClientFrame frame = decode_client_frame(text);
  if (auto* error = std::get_if<DecodeError>(&frame)) {
    reject(*error);
    return;
  }
  if (auto* hello = std::get_if<HelloFrame>(&frame)) {
    on_hello(*hello);
    return;
  }
  if (!greeted_) {
    reject({ProtocolError::hello_required, "send hello first", {}, {}});
    return;
  }
  if (auto* join = std::get_if<JoinFrame>(&frame)) on_join(std::move(*join));
  if (auto* leave = std::get_if<LeaveFrame>(&frame)) on_leave(*leave);
  if (auto* publish = std::get_if<PublishFrame>(&frame)) on_publish(std::move(*publish));
  if (auto* typing = std::get_if<TypingFrame>(&frame)) on_typing(*typing);
  if (auto* query = std::get_if<PresenceFrame>(&frame)) on_presence(*query);
  // A heartbeat only keeps the session present, which every frame does.
}

void Session::on_hello(const HelloFrame& hello) {
  greeted_ = true;
  // A second hello may change who the session is: the old identity leaves presence.
  if (!user_.empty()) services_.presence.remove(id_);
  user_ = hello.user;
  info_ = hello.info;
  send(encode_welcome(id_, services_.limits));
  update_presence();
}

void Session::keep_present() {
  const auto now = std::chrono::steady_clock::now();
  if (now - presence_updated_ >= services_.limits.effective_presence_ttl() / 8) update_presence();
}

void Session::update_presence() {
  if (user_.empty()) return;
  presence_updated_ = std::chrono::steady_clock::now();
  PresenceSession self{id_, user_, info_, {}};
  for (const auto& subscription : rooms_) {
    if (!is_status_room(subscription->room())) self.rooms.push_back(subscription->room());
  }
  services_.presence.update(self);
}

Cursor Session::cursor() const {
  Cursor cursor;
  for (const auto& subscription : rooms_) {
    if (const auto position = subscription->position()) {
      cursor.emplace_back(subscription->room(), *position);
    }
  }
  return cursor;
}

std::vector<std::shared_ptr<Subscription>>::iterator Session::find(std::string_view room) {
  return std::find_if(rooms_.begin(), rooms_.end(),
                      [room](const auto& subscription) { return subscription->room() == room; });
}

void Session::on_join(JoinFrame join) {
  if (find(join.room) != rooms_.end()) {
    reject({ProtocolError::already_joined, "already a member of this room", join.room, {}});
    return;
  }
  if (rooms_.size() >= services_.limits.max_rooms) {
    reject({ProtocolError::too_many_rooms, "room limit of this session reached", join.room, {}});
    return;
  }
  services_.metrics.joins.add();
  auto subscription = std::make_shared<Subscription>(*this, std::move(join.room));
  rooms_.push_back(subscription);
  subscription->start(join.since);
  update_presence();
}

std::vector<std::shared_ptr<Subscription>>::iterator Session::find_joined(std::string_view room) {
  const auto it = find(room);
  if (it == rooms_.end()) {
    reject({ProtocolError::not_joined, "not a member of this room", std::string(room), {}});
  }
  return it;
}

void Session::on_leave(const LeaveFrame& leave) {
  const auto it = find_joined(leave.room);
  if (it == rooms_.end()) return;
  services_.metrics.leaves.add();
  services_.hub.leave(leave.room, it->get());
  rooms_.erase(it);
  send(encode_left(leave.room));
  update_presence();
}

void Session::on_typing(const TypingFrame& typing) {
  const auto it = find_joined(typing.room);
  if (it == rooms_.end()) return;
  if (user_.empty()) {
    reject({ProtocolError::user_required,
            "typing needs a user: send hello with user",
            typing.room,
            {}});
    return;
  }
  if (!(*it)->take_typing_turn(std::chrono::steady_clock::now())) {
    services_.metrics.typing_dropped.add();
    return;
  }
  services_.metrics.typing_forwarded.add();
  services_.bus.publish(make_ephemeral(typing.room, encode_typing(typing.room, user_), id_));
}

void Session::on_presence(const PresenceFrame& query) {
  services_.presence.list(
      query.room, query.counts,
      post_answer<PresenceList>(
          services_.executor, weak_from_this(),
          [room = query.room, replies = replies_](Session& self, const PresenceList& list) {
            self.answer(encode_presence_list(room, list), replies);
          }));
}

void Session::on_publish(PublishFrame publish) {
  if (!publish_budget_.try_take()) {
    const auto wait = publish_budget_.wait_time();
    reject({ProtocolError::rate_limited, "publish rate limit", publish.room, publish.id},
           static_cast<long>(wait.count()));
    return;
  }
  AppendRequest request{publish.room, publish.id, std::move(publish.data)};
  auto on_commit = [weak = weak_from_this(), executor = services_.executor, replies = replies_,
                    room = std::move(publish.room), id = std::move(publish.id)](
                       std::error_code ec, const Message& message, bool duplicate) {
    boost::asio::post(executor, [weak, replies, ec, room, id, seq = message.seq, duplicate] {
      auto self = weak.lock();
      if (!self) return;
      self->answer(ec ? encode_error({"unavailable", "the message was not stored; retry", room, id})
                      : encode_ack(id, room, seq, duplicate),
                   replies);
    });
  };
  services_.publisher.publish(std::move(request), std::move(on_commit));
}

}  // namespace herald
