#include "client/client.hpp"

#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <deque>
#include <list>
#include <stdexcept>

#include "client/resume.hpp"
#include "client/server_wait.hpp"
#include "core/json_text.hpp"

namespace herald::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The source port is picked at connect time, per destination, rather than reserved for good by
// bind(): with it one local address can hold as many connections as there are ephemeral ports.
using bind_address_no_port =
    asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

// One connection attempt: everything that dies with the socket. Handlers hold it by shared_ptr,
// so a stale handler can still look at it after the client has moved on to a new one.
struct Link {
  explicit Link(asio::io_context& io) : resolver(io), ws(io) {}

  tcp::resolver resolver;
  websocket::stream<beast::tcp_stream> ws;
  std::unique_ptr<websocket::response_type> upgrade;  // only during the handshake
  beast::flat_buffer inbox;                           // released after every message
  std::deque<std::string> outbox;                     // front() is being written
  bool writing = false;
  bool open = false;  // handshake done
  bool welcomed = false;
  bool closing = false;                // close gracefully once the write in flight completes
  std::optional<milliseconds> goaway;  // the server is going away: reconnect no sooner than this
};
using LinkPtr = std::shared_ptr<Link>;

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

// A draining or full server answers the upgrade with 503 and Retry-After: honour it.
milliseconds retry_after(const websocket::response_type& response) {
  return retry_after_delay(response[http::field::retry_after]);
}

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

std::string describe_read_failure(const websocket::stream<beast::tcp_stream>& ws,
                                  beast::error_code ec) {
  if (ec != websocket::error::closed) return "read: " + ec.message();
  const websocket::close_reason& reason = ws.reason();
  std::string out = "closed by the server: " + std::to_string(reason.code);
  if (!reason.reason.empty()) out += " " + std::string(reason.reason.data(), reason.reason.size());
  return out;
}

// Sends the close frame once no write is in flight; the link lives on in the handler.
void close_gracefully(const LinkPtr& link) {
  link->ws.async_close(websocket::close_code::normal, [link](beast::error_code ec) {
    spdlog::debug("herald client: closed ({})", ec ? ec.message() : "clean");
  });
}

}  // namespace

WsUrl parse_ws_url(std::string_view url) {
  constexpr std::string_view kScheme = "ws://";
  const auto invalid = [&](std::string_view why) {
    return std::invalid_argument("bad url '" + std::string(url) + "': " + std::string(why));
  };
  if (!url.starts_with(kScheme)) throw invalid("only ws:// is supported");
  std::string_view rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  WsUrl out;
  out.authority = std::string(rest.substr(0, slash));
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));

  std::string_view host = out.authority;
  std::string_view port;
  if (host.starts_with('[')) {  // [IPv6]:port
    const auto close = host.find(']');
    if (close == std::string_view::npos) throw invalid("unclosed '['");
    const std::string_view after = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!after.empty()) {
      if (after.front() != ':') throw invalid("junk after ']'");
      port = after.substr(1);
      if (port.empty()) throw invalid("empty port");
    }
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (port.empty()) throw invalid("empty port");
  }
  if (host.empty()) throw invalid("no host");
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw invalid("port is not a number");
  }
  out.host = std::string(host);
  out.port = port.empty() ? "80" : std::string(port);
  return out;
}

class Client::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& io, ClientOptions options)
      : io_(io),
        options_(std::move(options)),
        url_(parse_ws_url(options_.url)),
        local_address_(parse_local_address(options_.local_address)),
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
    connect();
  }

  void stop() {
    if (!running_) return;
    running_ = false;
    timer_.cancel();
    heartbeat_timer_.cancel();
    cancel_pump();
    rooms_.on_disconnected();
    if (LinkPtr link = std::exchange(link_, nullptr)) close_link(link);
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

  bool connected() const { return running_ && welcomed(); }

  void join(std::string_view room, std::optional<Seq> since) {
    if (rooms_.contains(room)) return;
    rooms_.want(room, since);
    if (welcomed()) send(link_, encode_join(room, since));
  }

  void leave(std::string_view room) {
    if (!rooms_.contains(room)) return;
    rooms_.leave(room);
    if (welcomed()) send_leave(link_, room);
  }

  void query_presence(std::string_view room) {
    if (welcomed()) send(link_, encode_room_op("presence", room));
  }

  std::string publish(std::string_view room, std::string_view data_json, std::string id,
                      AckHandler on_ack) {
    json::error_code ec;
    const json::value data = json::parse(data_json, ec);
    if (ec) throw std::invalid_argument("publish data is not JSON: " + ec.message());
    if (id.empty()) id = make_id();
    // Re-serialised: compact, so a raw newline can never split the frame on the server's side.
    unsent_.push_back({++last_serial_, std::string(room), id,
                       encode_publish(room, json::serialize(data), id), std::move(on_ack)});
    pump_soon();
    return id;
  }

 private:
  bool current(const LinkPtr& link) const { return running_ && link == link_; }
  bool welcomed() const { return link_ && link_->welcomed; }

  void notify(State state, std::string_view reason) {
    if (on_state) on_state(state, reason);
  }

  // ---- connecting ----

  static std::optional<asio::ip::address> parse_local_address(const std::string& text) {
    if (text.empty()) return std::nullopt;
    return asio::ip::make_address(text);
  }

  void connect() {
    auto link = std::make_shared<Link>(io_);
    link_ = link;
    arm_deadline(link);
    spdlog::debug("herald client: connecting to {}", options_.url);
    link->resolver.async_resolve(
        url_.host, url_.port,
        [self = shared_from_this(), link](beast::error_code ec,
                                          const tcp::resolver::results_type& endpoints) {
          if (!self->current(link)) return;
          if (ec) return self->fail(link, "resolve: " + ec.message());
          self->connect_tcp(link, endpoints);
        });
  }

  // One deadline for the whole attempt, up to `welcome`: a server that accepts and then says
  // nothing must not hold the client forever.
  void arm_deadline(const LinkPtr& link) {
    timer_.expires_after(options_.connect_timeout);
    timer_.async_wait([self = shared_from_this(), link](beast::error_code ec) {
      if (ec || !self->current(link) || link->welcomed) return;
      self->fail(link, "timed out connecting");
    });
  }

  void connect_tcp(const LinkPtr& link, const tcp::resolver::results_type& endpoints) {
    if (local_address_) return connect_from_local(link, endpoints);
    beast::get_lowest_layer(link->ws).async_connect(
        endpoints, [self = shared_from_this(), link](beast::error_code ec, const tcp::endpoint&) {
          self->on_tcp_connect(link, ec);
        });
  }

  // The range connect reopens the socket for every endpoint, which would drop the bind: a bound
  // socket tries the first endpoint of its own address family only.
  void connect_from_local(const LinkPtr& link, const tcp::resolver::results_type& endpoints) {
    const auto same_family = [this](const auto& entry) {
      return entry.endpoint().address().is_v4() == local_address_->is_v4();
    };
    const auto it = std::find_if(endpoints.begin(), endpoints.end(), same_family);
    if (it == endpoints.end()) return fail(link, "connect: no server address of the local family");
    tcp::socket& socket = beast::get_lowest_layer(link->ws).socket();
    beast::error_code ec;
    socket.open(it->endpoint().protocol(), ec);
    if (!ec) socket.set_option(bind_address_no_port(true), ec);
    if (!ec) socket.bind(tcp::endpoint(*local_address_, 0), ec);
    if (ec) return fail(link, "bind " + options_.local_address + ": " + ec.message());
    beast::get_lowest_layer(link->ws).async_connect(
        it->endpoint(), [self = shared_from_this(), link](beast::error_code ec) {
          self->on_tcp_connect(link, ec);
        });
  }

  void on_tcp_connect(const LinkPtr& link, beast::error_code ec) {
    if (!current(link)) return;
    if (ec) return fail(link, "connect: " + ec.message());
    handshake(link);
  }

  void handshake(const LinkPtr& link) {
    // keep_alive_pings: a ping at half the idle timeout tells a silent server from a dead one.
    link->ws.set_option(
        websocket::stream_base::timeout{options_.connect_timeout, options_.idle_timeout, true});
    link->ws.set_option(websocket::stream_base::decorator([](websocket::request_type& request) {
      request.set(http::field::user_agent, "herald-client/1");
    }));
    link->upgrade = std::make_unique<websocket::response_type>();
    link->ws.async_handshake(
        *link->upgrade, url_.authority, url_.target,
        [self = shared_from_this(), link](beast::error_code ec) { self->on_handshake(link, ec); });
  }

  void on_handshake(const LinkPtr& link, beast::error_code ec) {
    if (!current(link)) return;
    const auto upgrade = std::move(link->upgrade);
    if (ec) {
      const std::string status = std::to_string(upgrade->result_int());
      return fail(link, "handshake: " + ec.message() + " (HTTP " + status + ")",
                  retry_after(*upgrade));
    }
    link->open = true;
    link->ws.text(true);
    send(link, encode_hello(options_.name, options_.user));
    read(link);
  }

  // Every failure ends here: drop the connection, remember nothing is joined, come back later.
  void fail(const LinkPtr& link, std::string reason, milliseconds at_least = {}) {
    if (link->goaway) reason = "goaway, then " + reason;
    spdlog::debug("herald client: {}", reason);
    timer_.cancel();
    heartbeat_timer_.cancel();
    link->resolver.cancel();
    beast::get_lowest_layer(link->ws).close();
    link_.reset();
    rooms_.on_disconnected();
    cancel_pump();
    requeue_in_flight();  // none of them is known to be stored: all go again after the welcome
    const milliseconds delay = backoff_.next(std::max(at_least, link->goaway.value_or(at_least)));
    notify(State::disconnected, reason);
    if (!running_ || link_) return;  // the handler stopped or restarted the client
    schedule_reconnect(delay);
  }

  void schedule_reconnect(milliseconds delay) {
    spdlog::debug("herald client: reconnecting in {} ms", delay.count());
    timer_.expires_after(delay);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || !self->running_ || self->link_) return;
      self->connect();
    });
  }

  void close_link(const LinkPtr& link) {
    if (!link->open) {
      link->resolver.cancel();
      beast::get_lowest_layer(link->ws).close();
      return;
    }
    // Only the frame being written stays: nothing queued matters once we leave.
    if (link->writing) {
      link->outbox.resize(1);
      link->closing = true;
    } else {
      link->outbox.clear();
      close_gracefully(link);
    }
  }

  // ---- writing: one write in flight, the rest queued ----

  void send(const LinkPtr& link, std::string frame) {
    link->outbox.push_back(std::move(frame));
    if (!link->writing) write_next(link);
  }

  void write_next(const LinkPtr& link) {
    link->writing = true;
    link->ws.async_write(asio::buffer(link->outbox.front()),
                         [self = shared_from_this(), link](beast::error_code ec, std::size_t) {
                           link->writing = false;
                           link->outbox.pop_front();
                           if (link->closing) return close_gracefully(link);
                           if (!self->current(link)) return;
                           if (ec) return self->fail(link, "write: " + ec.message());
                           if (!link->outbox.empty()) self->write_next(link);
                         });
  }

  // ---- reading ----

  void read(const LinkPtr& link) {
    link->ws.async_read(link->inbox,
                        [self = shared_from_this(), link](beast::error_code ec, std::size_t) {
                          self->on_read(link, ec);
                        });
  }

  void on_read(const LinkPtr& link, beast::error_code ec) {
    if (!current(link)) return;
    if (ec) return fail(link, describe_read_failure(link->ws, ec));
    on_text(link);
    // Between messages an idle connection holds no read buffer (a load generator has many).
    link->inbox.clear();
    link->inbox.shrink_to_fit();
    if (current(link)) read(link);
  }

  // The server coalesces: one WebSocket message carries frames separated by '\n'.
  void on_text(const LinkPtr& link) {
    const auto bytes = link->inbox.cdata();
    std::string_view text(static_cast<const char*>(bytes.data()), bytes.size());
    while (!text.empty() && current(link)) {
      const auto end = text.find('\n');
      if (end != 0) handle_frame(link, text.substr(0, end));
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
  }

  void handle_frame(const LinkPtr& link, std::string_view frame) {
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
    if (op == "msg") return on_msg(link, obj, frame);
    if (op == "joined") return on_joined_frame(obj);
    if (op == "ack") return on_ack(obj, frame);
    if (op == "error") return on_error_frame(obj, frame);
    if (op == "welcome") return on_welcome(link, obj);
    if (op == "left") return rooms_.on_left(string_field(obj, "room"));
    if (op == "goaway") return on_goaway(link, obj);
    if (on_other_frame) return on_other_frame(op, frame);
    spdlog::debug("herald client: ignoring op '{}'", op);
  }

  // The close that follows reconnects, no sooner than the server asked.
  void on_goaway(const LinkPtr& link, const json::object& obj) {
    link->goaway = server_delay(number_field(obj, "reconnect_ms").value_or(0));
  }

  void on_welcome(const LinkPtr& link, const json::object& obj) {
    if (link->welcomed) return;
    link->welcomed = true;
    timer_.cancel();  // the connect deadline
    backoff_.reset();
    apply_limits(obj);
    if (!options_.user.empty()) {
      beat(milliseconds(
          static_cast<milliseconds::rep>(number_field(obj, "heartbeat_ms").value_or(0))));
    }
    for (const std::string& room : rooms_.rooms()) {
      send(link, encode_join(room, rooms_.since_for(room)));
    }
    pump();
    // Last, so joins the handler makes are not sent twice.
    if (current(link)) notify(State::connected, string_field(obj, "session"));
  }

  void on_msg(const LinkPtr& link, const json::object& obj, std::string_view frame) {
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
        return rejoin(link, room, *seq);
    }
  }

  // Never deliver out of order: ask again from the position; the server fills in the gap.
  void rejoin(const LinkPtr& link, std::string_view room, Seq seq) {
    const std::optional<Seq> since = rooms_.since_for(room);
    spdlog::debug("herald client: gap in {} before seq {}: re-joining since {}", room, seq,
                  since.value_or(0));
    send_leave(link, room);
    send(link, encode_join(room, since));
  }

  void send_leave(const LinkPtr& link, std::string_view room) {
    rooms_.on_leave_sent(room);
    send(link, encode_room_op("leave", room));
  }

  void on_joined_frame(const json::object& obj) {
    const std::string_view room = string_field(obj, "room");
    const Seq head = number_field(obj, "seq").value_or(0);
    const bool recovered = bool_field(obj, "recovered", true);
    const Seq from = number_field(obj, "from").value_or(head + 1);
    if (!rooms_.on_joined(room, head, recovered, from)) return;  // an old join, since left
    if (on_joined) on_joined(room, head, recovered, from);
  }

  // Keeps an identified session present in its rooms while it has nothing else to say.
  void beat(milliseconds interval) {
    if (interval <= milliseconds(0)) return;
    heartbeat_timer_.expires_after(interval);
    heartbeat_timer_.async_wait([self = shared_from_this(), interval](beast::error_code ec) {
      if (ec || !self->welcomed()) return;
      self->send(self->link_, R"({"op":"heartbeat"})");
      self->beat(interval);
    });
  }

  // ---- publishing: unsent_ -> (paced) -> in_flight_ -> ack; back to unsent_ to retry ----

  void apply_limits(const json::object& welcome) {
    const json::value* value = welcome.if_contains("limits");
    const json::object* limits = value ? value->if_object() : nullptr;
    const auto limit = [&](std::string_view key) {
      return limits ? number_field(*limits, key).value_or(0) : 0;
    };
    max_frame_bytes_ = limit("max_frame_bytes");
    pacer_.reset(static_cast<double>(limit("publish_rate")),
                 static_cast<double>(limit("publish_burst")), Clock::now());
  }

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
    while (welcomed() && !unsent_.empty()) {
      if (max_frame_bytes_ > 0 && unsent_.front().frame.size() > max_frame_bytes_) {
        // Sent anyway it would make the server close, and every resend would again.
        finish(unsent_, unsent_.begin(),
               {.error = "too_big", .reason = "the publish is over the server's frame limit"});
        continue;
      }
      if (!pacer_.try_take(now)) return arm_pump(pacer_.ready_at(now));
      send(link_, unsent_.front().frame);
      in_flight_.splice(in_flight_.end(), unsent_, unsent_.begin());
    }
  }

  void arm_pump(Clock::time_point at) {
    if (at >= pump_at_) return;  // already coming back sooner
    pump_at_ = at;
    pump_timer_.expires_at(at);
    pump_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
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
  const WsUrl url_;
  const std::optional<asio::ip::address> local_address_;
  RoomPositions rooms_;
  PendingList unsent_;     // by serial: waiting for a connection, the pacer or a retry
  PendingList in_flight_;  // sent on this connection, not answered yet
  Pacer pacer_;
  asio::steady_timer pump_timer_;
  asio::steady_timer heartbeat_timer_;
  Clock::time_point pump_at_ = Clock::time_point::max();
  bool pump_posted_ = false;
  std::uint64_t last_serial_ = 0;
  Backoff backoff_;                  // between connection attempts
  Backoff publish_backoff_;          // between resends after `unavailable` without retry_after_ms
  asio::steady_timer timer_;         // the connect deadline, or the wait before reconnecting
  LinkPtr link_;                     // the current attempt or connection
  std::size_t max_frame_bytes_ = 0;  // from `welcome`; 0 = unknown
  SplitMix64 ids_;                   // publish ids
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
