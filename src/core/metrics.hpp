#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace herald {

// Lock-free instruments, updated from any thread; rendered as Prometheus text by the server.
class Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void add(std::int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// A histogram of seconds with fixed buckets from 100 µs to 10 s.
class Histogram {
 public:
  static constexpr std::array<double, 12> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                     0.01,   0.025,   0.05,   0.1,   1.0,    10.0};
  void observe(double seconds);
  std::uint64_t bucket(std::size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6; }

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size()> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_us_{0};
};

// Why a client got an error frame or a close; one counter each.
enum class ProtocolError {
  bad_json,
  bad_frame,
  unknown_op,
  hello_required,
  bad_room,
  too_many_rooms,
  already_joined,
  not_joined,
  read_only_room,
  user_required,
  rate_limited,
  binary_frame,
  invalid_utf8,
  frame_too_big,
  bad_cursor,
  unknown_session,
  too_many_polls,
  bad_upgrade,  // a WebSocket upgrade request that breaks RFC 6455
  ws_protocol,  // a WebSocket frame that breaks RFC 6455: close 1002
  count_        // not an error: the number of them
};
std::string_view to_string(ProtocolError error);

// What carries a session to its client, in the order a client should try them.
enum class Transport { websocket, sse, longpoll, poll, count_ };
std::string_view to_string(Transport transport);

// Why a connection or request was answered 503 before it was served.
enum class Refusal {
  full,      // max_connections reached
  rate,      // over the admission rate
  draining,  // the edge is shutting down
  count_
};
std::string_view to_string(Refusal refusal);

struct Metrics {
  Gauge connections;
  Gauge sessions;
  std::array<Gauge, static_cast<std::size_t>(Transport::count_)> sessions_by_transport;
  Counter joins;
  Counter leaves;
  Counter messages_in;   // publishes committed (not counting idempotent retries)
  Counter messages_out;  // msg frames queued to sessions
  Counter bytes_out;     // bytes written to client sockets
  Counter slow_consumer_closes;
  Counter dead_peers;          // connections closed because they stopped answering pings
  Counter duplicates_dropped;  // envelopes the hub had already delivered
  Counter gaps_detected;       // envelopes that arrived after a gap; members fill it from history
  Counter store_errors;
  Counter http_requests;
  Gauge presence_entries;    // (session, room) pairs present
  Counter presence_diffs;    // presence frames published to rooms (one per room and window)
  Counter status_changes;    // status frames published to status:<user> rooms
  Counter typing_forwarded;  // typing frames published to a room
  Counter typing_dropped;    // typing frames over the per-room rate, not forwarded
  std::array<Counter, static_cast<std::size_t>(ProtocolError::count_)> protocol_errors;
  std::array<Counter, static_cast<std::size_t>(Refusal::count_)> refusals;
  Histogram store_commit_seconds;
  Histogram store_checkpoint_seconds;  // background WAL checkpoints

  void count(ProtocolError error) { protocol_errors[static_cast<std::size_t>(error)].add(); }
  void count(Refusal refusal) { refusals[static_cast<std::size_t>(refusal)].add(); }
  Gauge& sessions_on(Transport transport) {
    return sessions_by_transport[static_cast<std::size_t>(transport)];
  }
};

}  // namespace herald
