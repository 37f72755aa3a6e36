#include "client/client.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <list>
#include <stdexcept>

#include "client/link.hpp"
#include "client/resume.hpp"
#include "client/server_wait.hpp"
#include "core/cursor.hpp"
#include "core/json_finite.hpp"
#include "core/json_text.hpp"

namespace herald::client {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

// A publish not acked yet, kept to be resent on every new connection until it is.
struct Pending {
  std::uint64_t serial = 0;  // publish order, which is also the (re)send order
  std::string room;
  std::string id;
  std::string frame;
  Client::AckHandler on_ack;
};
using PendingList = std::list<Pending>;

// The server's publish token bucket (rate and burst from `welcome`), mirrored so the client
// paces itself: sending a burst it knows will be refused would only bounce back as rate_limited
// errors and resends, again and again.
class Pacer {
 public:
  void reset(double rate, double burst, Clock::time_point now) {
    rate_ = rate;
    burst_ = std::max(burst, 1.0);
    tokens_ = burst_;
    refilled_ = now;
    hold_until_ = {};
  }
  // Nothing goes before `until` (the server asked to wait).
  void hold(Clock::time_point until) { hold_until_ = std::max(hold_until_, until); }
  // rate_limited: the server's bucket is empty, whatever this one says.
  void drain(Clock::time_point now) {
    refill(now);
    tokens_ = 0;
  }

  bool try_take(Clock::time_point now) {
    if (now < hold_until_) return false;
    if (rate_ <= 0) return true;  // no known limit
    refill(now);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

  // When try_take can next succeed (after a failed try_take).
  Clock::time_point ready_at(Clock::time_point now) const {
    if (now < hold_until_) return hold_until_;
    const std::chrono::duration<double> missing((1 - tokens_) / rate_);
    return now + std::chrono::ceil<Clock::duration>(missing);
  }

 private:
  void refill(Clock::time_point now) {
    const std::chrono::duration<double> elapsed = now - refilled_;
    tokens_ = std::min(burst_, tokens_ + rate_ * elapsed.count());
    refilled_ = now;
  }

  double rate_ = 0;  // publishes per second; 0: unknown, do not pace
  double burst_ = 1;
  double tokens_ = 0;
  Clock::time_point refilled_;
  Clock::time_point hold_until_;
};

std::string_view string_field(const json::object& obj, std::string_view key) {
  const json::value* value = obj.if_contains(key);
  return value && value->is_string() ? std::string_view(value->get_string()) : std::string_view{};
}

std::optional<std::uint64_t> number_field(const json::object& obj, std::string_view key) {
  const json::value* value = obj.if_contains(key);
  if (!value) return std::nullopt;
  json::error_code ec;
  const auto number = value->to_number<std::uint64_t>(ec);
  return ec ? std::nullopt : std::optional(number);
}

bool bool_field(const json::object& obj, std::string_view key, bool fallback) {
  const json::value* value = obj.if_contains(key);
  return value && value->is_bool() ? value->get_bool() : fallback;
}

// The WebSocket's first frame: who this is.
std::string encode_hello(std::string_view name, std::string_view user) {
  std::string out = R"({"op":"hello","client":)";
  append_json_string(out, name);
  if (!user.empty()) {
    out += R"(,"user":)";
    append_json_string(out, user);
  }
  out += '}';
  return out;
}

std::string encode_join(std::string_view room, std::optional<Seq> since) {
  std::string out = R"({"op":"join","room":)";
  append_json_string(out, room);
  if (since) out += R"(,"since":)" + std::to_string(*since);
  out += '}';
  return out;
}

// `leave`, or a `presence` query: an op about one room and nothing else.
std::string encode_room_op(std::string_view op, std::string_view room) {
  std::string out = R"({"op":")";
  out += op;
  out += R"(","room":)";
  append_json_string(out, room);
  out += '}';
  return out;
}

std::string encode_publish(std::string_view room, std::string_view data, std::string_view id) {
  std::string out = R"({"op":"publish","room":)";
  append_json_string(out, room);
  out += R"(,"data":)";
  out += data;
  out += R"(,"id":)";
  append_json_string(out, id);
  out += '}';
  return out;
}

}  // namespace

class Client::Impl final : public std::enable_shared_from_this<Impl>, public LinkOwner {
 public:
  Impl(asio::io_context& io, ClientOptions options)
      : io_(io),
        options_(std::move(options)),
        settings_(std::make_shared<const LinkSettings>(link_settings(options_))),
        transports_(options_.transports.empty() ? all_transports() : options_.transports),
        pump_timer_(io),
        heartbeat_timer_(io),
        backoff_(options_.backoff),
        publish_backoff_(options_.backoff),
        timer_(io),
        ids_(SplitMix64::random_seed()) {}

  MessageHandler on_message;
  JoinedHandler on_joined;
  StateHandler on_state;
  ErrorHandler on_error;
  OtherFrameHandler on_other_frame;

  void start() {
    if (running_) return;
    running_ = true;
    transport_ = 0;
    connect();
  }

  void stop() {
    if (!running_) return;
    running_ = false;
    timer_.cancel();
    heartbeat_timer_.cancel();
    cancel_pump();
    rooms_.on_disconnected();
    welcomed_ = false;
    if (LinkPtr link = std::exchange(link_, nullptr)) link->stop(true);
    cancel_pending();
    notify(State::disconnected, "stopped");
  }

  // For ~Client: the application's handlers may be gone already.
  void shutdown() {
    on_message = nullptr;
    on_joined = nullptr;
    on_state = nullptr;
    on_error = nullptr;
    on_other_frame = nullptr;
    unsent_.clear();
    in_flight_.clear();
    stop();
  }

  bool connected() const { return running_ && welcomed_; }
  Transport transport() const { return transports_[transport_]; }

  void join(std::string_view room, std::optional<Seq> since) {
    if (rooms_.contains(room)) return;
    rooms_.want(room, since);
    if (in_session()) send(encode_join(room, since));
  }

  void leave(std::string_view room) {
    if (!rooms_.contains(room)) return;
    rooms_.leave(room);
    if (in_session()) send_leave(room);
  }

  void query_presence(std::string_view room) {
    if (welcomed_) send(encode_room_op("presence", room));
  }

  std::string publish(std::string_view room, std::string_view data_json, std::string id,
                      AckHandler on_ack) {
    json::error_code ec;
    const json::value data = json::parse(data_json, ec);
    if (ec) throw std::invalid_argument("publish data is not JSON: " + ec.message());
    if (!finite_numbers(data))
      throw std::invalid_argument(
          "publish data has a number out of range (it would be sent as Infinity)");
    if (id.empty()) id = make_id();
    // Re-serialised: compact, so a raw newline can never split the frame on the server's side.
    unsent_.push_back({++last_serial_, std::string(room), id,
                       encode_publish(room, json::serialize(data), id), std::move(on_ack)});
    pump_soon();
    return id;
  }

  // ---- LinkOwner: what the current link reports ----

  StreamQuery stream_query() const override {
    StreamQuery query{rooms_.rooms(), {}};
    Cursor cursor;
    for (const std::string& room : query.rooms) {
      if (const auto since = rooms_.since_for(room)) cursor.emplace_back(room, *since);
    }
    query.cursor = encode_cursor(cursor);
    return query;
  }

  void link_frame(std::string_view frame) override { handle_frame(frame); }
  void link_ready() override { established({}, nullptr); }
  void link_failed(LinkFailure failure) override { fail(std::move(failure)); }

 private:
  static LinkSettings link_settings(const ClientOptions& options) {
    return {.server = parse_server_url(options.url),
            .local_address = parse_local_address(options.local_address),
            .hello = encode_hello(options.name, options.user),
            .connect_timeout = options.connect_timeout,
            .idle_timeout = options.idle_timeout,
            .poll_wait = options.poll_wait,
            .poll_interval = options.poll_interval};
  }

  static std::optional<asio::ip::address> parse_local_address(const std::string& text) {
    if (text.empty()) return std::nullopt;
    return asio::ip::make_address(text);
  }

  bool current(const LinkPtr& link) const { return running_ && link && link == link_; }
  // Joins, leaves and heartbeats go over the link now (polling names its rooms in each poll).
  bool in_session() const { return welcomed_ && link_->has_session(); }

  void notify(State state, std::string_view reason) {
    if (on_state) on_state(state, reason);
  }

  void send(std::string frame) { link_->send(std::move(frame)); }

  // ---- connecting, failing, falling back ----

  void connect() {
    welcomed_ = false;
    goaway_.reset();
    spdlog::debug("herald client: connecting to {} over {}", options_.url, to_string(transport()));
    link_ = make_link(transport(), io_, settings_, weak_from_this());
    arm_deadline(link_);
    link_->open();
  }

  // One deadline for the whole attempt, up to `welcome`: a server that accepts and then says
  // nothing must not hold the client forever. Past TCP, the silence is the transport's (a proxy
  // that buffers a stream or holds an upgrade): try the next one.
  void arm_deadline(const LinkPtr& link) {
    timer_.expires_after(options_.connect_timeout);
    timer_.async_wait([self = shared_from_this(), link](error_code ec) {
      if (ec || !self->current(link) || self->welcomed_) return;
      link->fail({"timed out connecting", link->reached_server()});
    });
  }

  // Every failure ends here: the link is gone, nothing is joined, come back later.
  void fail(LinkFailure failure) {
    std::string reason = std::move(failure.reason);
    if (goaway_) reason = "goaway, then " + reason;
    spdlog::debug("herald client: {}", reason);
    timer_.cancel();
    heartbeat_timer_.cancel();
    link_.reset();
    rooms_.on_disconnected();
    cancel_pump();
    requeue_in_flight();  // none of them is known to be stored: all go again after the welcome
    const bool lost = std::exchange(welcomed_, false);
    milliseconds delay{0};
    if (!failure.unsupported || !fall_back(reason)) {
      delay = backoff_.next(std::max(failure.retry_after, goaway_.value_or(milliseconds{0})));
    }
    if (lost) maybe_prefer_again();
    notify(State::disconnected, reason);
    if (!running_ || link_) return;  // the handler stopped or restarted the client
    schedule_reconnect(delay);
  }

  // The transport cannot work here: the next one in the list, at once. False when the list is
  // used up: start over from the first, after a backoff, as after any failure.
  bool fall_back(std::string& reason) {
    if (transports_.size() < 2) return false;
    transport_ = (transport_ + 1) % transports_.size();
    fell_back_at_ = Clock::now();
    if (transport_ == 0) return false;
    reason += "; falling back to ";
    reason += to_string(transport());
    return true;
  }

  // A session on a fallback transport ended: the client stays on the transport that worked (the
  // network that refused the preferred one most likely still does, and every try costs up to a
  // connect timeout), but gives the preferred one another chance once in a while.
  void maybe_prefer_again() {
    if (transport_ != 0 && Clock::now() - fell_back_at_ >= options_.prefer_again_after)
      transport_ = 0;
  }

  void schedule_reconnect(milliseconds delay) {
    spdlog::debug("herald client: reconnecting in {} ms", delay.count());
    timer_.expires_after(delay);
    timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec || !self->running_ || self->link_) return;
      self->connect();
    });
  }

  // ---- the server's frames, whichever transport carried them ----

  void handle_frame(std::string_view frame) {
    // Most frames parse without touching the heap.
    unsigned char scratch[4096];
    json::monotonic_resource arena(scratch, sizeof scratch);
    json::error_code ec;
    const json::value value = json::parse(frame, ec, &arena);
    if (ec || !value.is_object()) {
      spdlog::debug("herald client: ignoring a frame that is not a JSON object: {}", frame);
      return;
    }
    const json::object& obj = value.get_object();
    const std::string_view op = string_field(obj, "op");
    if (op == "msg") return on_msg(obj, frame);
    if (op == "joined") return on_joined_frame(obj);
    if (op == "ack") return on_ack(obj, frame);
    if (op == "error") return on_error_frame(obj, frame);
    if (op == "welcome") return on_welcome(obj);
    if (op == "left") return rooms_.on_left(string_field(obj, "room"));
    if (op == "goaway") return on_goaway(obj);
    if (op == "close") return on_close(obj);
    if (on_other_frame) return on_other_frame(op, frame);
    spdlog::debug("herald client: ignoring op '{}'", op);
  }

  // The close that follows reconnects, no sooner than the server asked.
  void on_goaway(const json::object& obj) {
    goaway_ = server_delay(number_field(obj, "reconnect_ms").value_or(0));
  }

  // An event stream's last word, with a WebSocket close code: the same story as a close frame.
  void on_close(const json::object& obj) {
    std::string reason =
        "closed by the server: " + std::to_string(number_field(obj, "code").value_or(0));
    if (const std::string_view why = string_field(obj, "reason"); !why.empty()) {
      reason += ' ';
      reason += why;
    }
    link_->fail({std::move(reason)});
  }

  void on_welcome(const json::object& obj) {
    if (!welcomed_) established(string_field(obj, "session"), &obj);
  }

  // The link carries a session now (`welcome` is null for polling, which has none).
  void established(std::string_view session, const json::object* welcome) {
    welcomed_ = true;
    timer_.cancel();  // the connect deadline
    backoff_.reset();
    link_->established(session);
    apply_limits(welcome);
    if (!options_.user.empty() && welcome && link_->has_session()) {
      beat(milliseconds(
          static_cast<milliseconds::rep>(number_field(*welcome, "heartbeat_ms").value_or(0))));
    }
    if (link_->has_session()) {
      for (const std::string& room : rooms_.rooms()) {
        if (!link_->opened_with(room)) send(encode_join(room, rooms_.since_for(room)));
      }
    }
    const LinkPtr link = link_;
    pump();
    // Last, so joins the handler makes are not sent twice.
    if (current(link)) notify(State::connected, session);
  }

  void on_msg(const json::object& obj, std::string_view frame) {
    const std::string_view room = string_field(obj, "room");
    const auto seq = number_field(obj, "seq");
    if (room.empty() || !seq) {
      spdlog::debug("herald client: ignoring a msg without room or seq: {}", frame);
      return;
    }
    switch (rooms_.on_msg(room, *seq)) {
      case RoomPositions::Verdict::deliver:
        if (on_message) on_message(room, *seq, frame);
        return;
      case RoomPositions::Verdict::duplicate:
        spdlog::debug("herald client: dropping {} seq {}: duplicate or not joined", room, *seq);
        return;
      case RoomPositions::Verdict::gap:
        return rejoin(room, *seq);
    }
  }

  // Never deliver out of order: ask again from the position; the server fills in the gap.
  // (A poll asks from the positions anyway: the next one fills it.)
  void rejoin(std::string_view room, Seq seq) {
    const std::optional<Seq> since = rooms_.since_for(room);
    spdlog::debug("herald client: gap in {} before seq {}: re-joining since {}", room, seq,
                  since.value_or(0));
    if (!link_->has_session()) return;
    send_leave(room);
    send(encode_join(room, since));
  }

  void send_leave(std::string_view room) {
    rooms_.on_leave_sent(room);
    send(encode_room_op("leave", room));
  }

  void on_joined_frame(const json::object& obj) {
    const std::string_view room = string_field(obj, "room");
    const Seq head = number_field(obj, "seq").value_or(0);
    const bool recovered = bool_field(obj, "recovered", true);
    const Seq from = number_field(obj, "from").value_or(head + 1);
    // Every poll joins afresh: one that goes on exactly where the room stands is no news.
    const bool news = !rooms_.joined(room) || !recovered || rooms_.since_for(room) != from - 1;
    if (!rooms_.on_joined(room, head, recovered, from)) return;  // an old join, since left
    if (news && on_joined) on_joined(room, head, recovered, from);
  }

  // Keeps an identified session present in its rooms while it has nothing else to say.
  void beat(milliseconds interval) {
    if (interval <= milliseconds(0)) return;
    heartbeat_timer_.expires_after(interval);
    heartbeat_timer_.async_wait([self = shared_from_this(), interval](error_code ec) {
      if (ec || !self->welcomed_) return;
      self->send(R"({"op":"heartbeat"})");
      self->beat(interval);
    });
  }

  // The limits `welcome` announced; none for polling.
  void apply_limits(const json::object* welcome) {
    const json::value* value = welcome ? welcome->if_contains("limits") : nullptr;
    const json::object* limits = value ? value->if_object() : nullptr;
    const auto limit = [&](std::string_view key) {
      return limits ? number_field(*limits, key).value_or(0) : 0;
    };
    max_frame_bytes_ = limit("max_frame_bytes");
    pacer_.reset(static_cast<double>(limit("publish_rate")),
                 static_cast<double>(limit("publish_burst")), Clock::now());
  }

  // ---- publishing: unsent_ -> (paced) -> in_flight_ -> ack; back to unsent_ to retry ----

  // Not from inside publish(): a handler called from there could surprise the caller, and a
  // run of publish() calls is sent in one go.
  void pump_soon() {
    if (pump_posted_) return;
    pump_posted_ = true;
    asio::post(io_, [self = shared_from_this()] {
      self->pump_posted_ = false;
      self->pump();
    });
  }

  // Sends what the pacer allows, in publish order; comes back when it allows more.
  void pump() {
    const Clock::time_point now = Clock::now();
    while (welcomed_ && !unsent_.empty()) {
      if (max_frame_bytes_ > 0 && unsent_.front().frame.size() > max_frame_bytes_) {
        // Sent anyway it would make the server close, and every resend would again.
        finish(unsent_, unsent_.begin(),
               {.error = "too_big", .reason = "the publish is over the server's frame limit"});
        continue;
      }
      if (!pacer_.try_take(now)) return arm_pump(pacer_.ready_at(now));
      send(unsent_.front().frame);
      in_flight_.splice(in_flight_.end(), unsent_, unsent_.begin());
    }
  }

  void arm_pump(Clock::time_point at) {
    if (at >= pump_at_) return;  // already coming back sooner
    pump_at_ = at;
    pump_timer_.expires_at(at);
    pump_timer_.async_wait([self = shared_from_this()](error_code ec) {
      if (ec) return;
      self->pump_at_ = Clock::time_point::max();
      self->pump();
    });
  }

  void cancel_pump() {
    pump_at_ = Clock::time_point::max();
    pump_timer_.cancel();
  }

  static bool by_serial(const Pending& a, const Pending& b) { return a.serial < b.serial; }

  // Back into unsent_ at its place in publish order.
  void requeue(PendingList::iterator it) {
    const auto place = std::find_if(unsent_.begin(), unsent_.end(),
                                    [&](const Pending& other) { return by_serial(*it, other); });
    unsent_.splice(place, in_flight_, it);
  }

  void requeue_in_flight() {
    in_flight_.sort(by_serial);  // requeued ones may have been sent after younger ones
    unsent_.merge(in_flight_, by_serial);
  }

  // Acks come back roughly in send order, so the search usually stops at the front.
  PendingList::iterator find_in_flight(std::string_view room, std::string_view id) {
    return std::find_if(in_flight_.begin(), in_flight_.end(), [&](const Pending& pending) {
      return pending.id == id && (room.empty() || pending.room == room);
    });
  }

  void finish(PendingList& list, PendingList::iterator it, PublishResult result) {
    Pending done = std::move(*it);
    list.erase(it);
    result.room = done.room;
    result.id = done.id;
    if (done.on_ack) done.on_ack(result);
  }

  void on_ack(const json::object& obj, std::string_view frame) {
    const auto it = find_in_flight(string_field(obj, "room"), string_field(obj, "id"));
    if (it == in_flight_.end()) {
      spdlog::debug("herald client: ignoring an ack for nothing in flight: {}", frame);
      return;
    }
    publish_backoff_.reset();
    finish(in_flight_, it,
           {.seq = number_field(obj, "seq").value_or(0),
            .duplicate = bool_field(obj, "duplicate", false),
            .frame = frame});
  }

  void on_error_frame(const json::object& obj, std::string_view frame) {
    const ServerError error{string_field(obj, "code"), string_field(obj, "reason"),
                            string_field(obj, "room"), frame};
    if (const std::string_view id = string_field(obj, "id"); !id.empty()) {
      const auto it = find_in_flight(error.room, id);
      if (it != in_flight_.end()) return on_publish_error(it, error, obj);
    }
    // Answers a leave for a room the server had already dropped.
    if (error.code == "not_joined") return rooms_.on_left(error.room);
    // This join can never succeed: do not repeat it on every reconnect.
    if (error.code == "bad_room" || error.code == "too_many_rooms") rooms_.leave(error.room);
    if (on_error) on_error(error);
  }

  void on_publish_error(PendingList::iterator it, const ServerError& error,
                        const json::object& obj) {
    const bool limited = error.code == "rate_limited";
    if (!limited && error.code != "unavailable") {
      return finish(in_flight_, it,
                    {.error = error.code, .reason = error.reason, .frame = error.frame});
    }
    // Not stored: send it again, with the same id, once the server is ready for it.
    const auto retry_after = number_field(obj, "retry_after_ms");
    const milliseconds delay = retry_after ? server_delay(*retry_after) : publish_backoff_.next();
    spdlog::debug("herald client: publish {} {}: resending in {} ms", it->id, error.code,
                  delay.count());
    const Clock::time_point now = Clock::now();
    if (limited) pacer_.drain(now);
    pacer_.hold(now + delay);
    requeue(it);
    pump();
  }

  void cancel_pending() {
    requeue_in_flight();
    PendingList cancelled;
    cancelled.swap(unsent_);
    for (Pending& pending : cancelled) {
      if (!pending.on_ack) continue;
      pending.on_ack({.room = pending.room,
                      .id = pending.id,
                      .error = "cancelled",
                      .reason = "the client stopped before the ack"});
    }
  }

  std::string make_id() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (int half = 0; half < 2; ++half) {
      std::uint64_t bits = ids_();
      for (int i = 0; i < 16; ++i, bits >>= 4)
        id[half * 16 + i] = kHex[bits & 0xf];
    }
    return id;
  }

  asio::io_context& io_;
  const ClientOptions options_;
  const Link::Settings settings_;
  const std::vector<Transport> transports_;
  std::size_t transport_ = 0;  // the one in use or being tried
  Clock::time_point fell_back_at_;
  RoomPositions rooms_;
  PendingList unsent_;     // by serial: waiting for a connection, the pacer or a retry
  PendingList in_flight_;  // sent on this connection, not answered yet
  Pacer pacer_;
  asio::steady_timer pump_timer_;
  asio::steady_timer heartbeat_timer_;
  Clock::time_point pump_at_ = Clock::time_point::max();
  bool pump_posted_ = false;
  std::uint64_t last_serial_ = 0;
  Backoff backoff_;           // between connection attempts
  Backoff publish_backoff_;   // between resends after `unavailable` without retry_after_ms
  asio::steady_timer timer_;  // the connect deadline, or the wait before reconnecting
  LinkPtr link_;              // the current attempt or connection
  bool welcomed_ = false;     // link_ carries a session
  std::optional<milliseconds> goaway_;  // the server is going away: reconnect no sooner
  std::size_t max_frame_bytes_ = 0;     // from `welcome`; 0 = unknown
  SplitMix64 ids_;                      // publish ids
  bool running_ = false;
};

Client::Client(asio::io_context& io, ClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

Client::~Client() {
  impl_->shutdown();
}

void Client::on_message(MessageHandler handler) {
  impl_->on_message = std::move(handler);
}
void Client::on_joined(JoinedHandler handler) {
  impl_->on_joined = std::move(handler);
}
void Client::on_state(StateHandler handler) {
  impl_->on_state = std::move(handler);
}
void Client::on_error(ErrorHandler handler) {
  impl_->on_error = std::move(handler);
}

void Client::on_other_frame(OtherFrameHandler handler) {
  impl_->on_other_frame = std::move(handler);
}

void Client::start() {
  impl_->start();
}
void Client::stop() {
  impl_->stop();
}
bool Client::connected() const {
  return impl_->connected();
}
Transport Client::transport() const {
  return impl_->transport();
}

void Client::join(std::string_view room, std::optional<Seq> since) {
  impl_->join(room, since);
}
void Client::leave(std::string_view room) {
  impl_->leave(room);
}
void Client::query_presence(std::string_view room) {
  impl_->query_presence(room);
}

std::string Client::publish(std::string_view room, std::string_view data_json, std::string id,
                            AckHandler on_ack) {
  return impl_->publish(room, data_json, std::move(id), std::move(on_ack));
}

}  // namespace herald::client
