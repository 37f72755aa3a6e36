#include "core/session.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <random>

#include "core/post_answer.hpp"
#include "core/subscription.hpp"

namespace herald {
namespace {

std::string random_session_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  auto bits = generator();
  for (char& c : id) {
    c = kHex[bits & 0xf];
    bits >>= 4;
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
  send(encode_error({to_string(error.code), error.reason, error.room, error.id, retry_after_ms}));
}

void Session::on_frame(std::string_view text) {
  if (!open_) return;
  keep_present();
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
      post_answer<PresenceList>(services_.executor, weak_from_this(),
                                [room = query.room](Session& self, const PresenceList& list) {
                                  self.send(encode_presence_list(room, list));
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
  auto on_commit = [weak = weak_from_this(), executor = services_.executor,
                    room = std::move(publish.room), id = std::move(publish.id)](
                       std::error_code ec, const Message& message, bool duplicate) {
    boost::asio::post(executor, [weak, ec, room, id, seq = message.seq, duplicate] {
      auto self = weak.lock();
      if (!self) return;
      self->send(ec ? encode_error({"unavailable", "the message was not stored; retry", room, id})
                    : encode_ack(id, room, seq, duplicate));
    });
  };
  services_.publisher.publish(std::move(request), std::move(on_commit));
}

}  // namespace herald
