#include "bench/publisher_worker.hpp"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <cerrno>
#include <deque>

#include "bench/bench_target.hpp"
#include "bench/epoll_loop.hpp"
#include "bench/http_response_head.hpp"
#include "bench/latency_histogram.hpp"
#include "bench/process_cpu.hpp"
#include "bench/stamp.hpp"
#include "bench/tcp_dial.hpp"
#include "bench/worker_loop.hpp"

namespace herald::bench {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// The publish schedule's resolution.
constexpr std::chrono::milliseconds kTick{1};
constexpr std::string_view kLastChunk = "0\r\n\r\n";

struct Publish {
  std::size_t room = 0;
  std::uint64_t seq = 0;
};

struct Connection {
  int fd = -1;
  bool broken = false;
  std::deque<Publish> queue;
  std::vector<Publish> in_flight;  // the request on the wire
  std::int64_t sent_us = 0;
  std::string in;
  std::size_t turns = 0;  // closed loop: publishes this connection started
};

// Waits for a connection that dial_tcp started, so the first publish does not find it half-open.
bool connected(int fd) {
  pollfd entry{.fd = fd, .events = POLLOUT, .revents = 0};
  int error = 0;
  socklen_t size = sizeof error;
  return ::poll(&entry, 1, 1000) == 1 &&
         ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
}

// The size of the whole response at the front of `bytes`, 0 while incomplete; -1 if malformed.
std::int64_t response_size(std::string_view bytes) {
  const HttpResponseHead head = parse_http_response_head(bytes);
  if (head.status == HttpResponseHead::Status::invalid) return -1;
  if (head.status == HttpResponseHead::Status::incomplete) return 0;
  if (head.chunked) {
    const auto end = bytes.find(kLastChunk, head.head_size - 2);
    return end == std::string_view::npos ? 0 : static_cast<std::int64_t>(end + kLastChunk.size());
  }
  const std::size_t size = head.head_size + head.content_length.value_or(0);
  return bytes.size() >= size ? static_cast<std::int64_t>(size) : 0;
}

class PublisherWorker {
 public:
  PublisherWorker(asio::io_context& io, const PublisherWorkerOptions& options)
      : options_(options),
        target_(target_from_name(options.target)),
        host_(options.server_ip + ":" + std::to_string(options.port)),
        loop_(io, std::chrono::milliseconds(options.deadline_ms)),
        timer_(io),
        epoll_(kTick, std::chrono::microseconds(0)),
        connections_(std::max<std::size_t>(1, std::min(options.connections, options.rooms))),
        room_seq_(options.rooms, 0),
        acked_per_room_(options.rooms, 0),
        total_(static_cast<std::uint64_t>(options.rate * options.duration_s)) {}

  void run(asio::io_context& io) {
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      connections_[i].fd = dial_tcp(options_.server_ip, options_.port, {});
      if (connections_[i].fd < 0 || !connected(connections_[i].fd)) {
        throw std::runtime_error("publisher cannot connect to " + host_);
      }
      epoll_.add(connections_[i].fd, i);
    }
    started_ = std::chrono::steady_clock::now();
    tick();
    loop_.start([this] { return progress(); }, [this] { return result(); });
    epoll_.run(io, [this](std::uint64_t key, std::uint32_t events) { on_event(key, events); });
  }

 private:
  bool closed_loop() const { return options_.rate <= 0; }

  // Queues what the schedule says is due by now, and finishes once everything is answered.
  void tick() {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
    const auto due = std::min(total_, static_cast<std::uint64_t>(elapsed.count() * options_.rate));
    for (; scheduled_ < due; ++scheduled_)
      enqueue(scheduled_ % options_.rooms);
    for (Connection& c : connections_)
      send_next(c);
    const bool over = closed_loop() ? elapsed.count() >= options_.duration_s : scheduled_ == total_;
    if (closed_loop() && !over) keep_busy();
    if (over && idle()) return loop_.finish();
    timer_.expires_after(kTick);
    timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) tick();
    });
  }

  void enqueue(std::size_t room) {
    connections_[room % connections_.size()].queue.push_back({room, ++room_seq_[room]});
  }

  // Closed loop: a connection with nothing in flight takes the next `batch` of its rooms.
  void keep_busy() {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
    if (elapsed.count() >= options_.duration_s) return;
    for (std::size_t i = 0; i < connections_.size(); ++i) {
      Connection& c = connections_[i];
      if (c.broken || !c.in_flight.empty() || !c.queue.empty()) continue;
      const std::size_t mine = (options_.rooms - i + connections_.size() - 1) / connections_.size();
      for (std::size_t n = 0; n < options_.batch; ++n)
        enqueue(i + (c.turns++ % mine) * connections_.size());
      send_next(c);
    }
  }

  bool idle() const {
    for (const Connection& c : connections_) {
      if (!c.broken && (!c.in_flight.empty() || !c.queue.empty())) return false;
    }
    return true;
  }

  void send_next(Connection& c) {
    if (c.broken || !c.in_flight.empty() || c.queue.empty()) return;
    c.sent_us = monotonic_us();
    std::vector<PublishItem> items;
    while (!c.queue.empty() && c.in_flight.size() < options_.batch) {
      const Publish publish = c.queue.front();
      c.queue.pop_front();
      c.in_flight.push_back(publish);
      items.push_back({room_name(options_.room_prefix, publish.room),
                       stamp_text({publish.seq, c.sent_us}, options_.payload_bytes)});
    }
    const std::string request = publish_request(target_, host_, options_.api_key, items);
    published_ += items.size();
    // One request is in flight at a time, far below the socket buffer: it goes whole.
    if (::send(c.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return fail(c);
    }
  }

  void on_event(std::size_t index, std::uint32_t events) {
    Connection& c = connections_[index];
    if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) == 0 || c.broken) return;
    std::array<char, 16384> buffer{};
    for (;;) {
      const ssize_t got = ::recv(c.fd, buffer.data(), buffer.size(), 0);
      if (got > 0) {
        c.in.append(buffer.data(), static_cast<std::size_t>(got));
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      if (got == 0 || errno != EAGAIN) return fail(c);
      break;
    }
    read_responses(c);
  }

  void read_responses(Connection& c) {
    for (std::int64_t size; (size = response_size(c.in)) != 0;) {
      if (size < 0 || c.in_flight.empty()) return fail(c);
      const int code = parse_http_response_head(c.in).code;
      c.in.erase(0, static_cast<std::size_t>(size));
      const std::int64_t latency_us = monotonic_us() - c.sent_us;
      for (const Publish& publish : std::exchange(c.in_flight, {})) {
        ack_latency_.add(latency_us);
        if (code >= 200 && code < 300) {
          ++acked_;
          ++acked_per_room_[publish.room];
        } else {
          ++errors_;
        }
      }
      send_next(c);
      if (closed_loop()) keep_busy();
    }
  }

  // A broken connection's queued and unanswered publishes count as errors; the others go on.
  void fail(Connection& c) {
    if (c.broken) return;
    c.broken = true;
    errors_ += c.queue.size() + c.in_flight.size();
    c.queue.clear();
    c.in_flight.clear();
    ::close(c.fd);
  }

  json::object progress() const {
    return {{"published", published_},
            {"acked", acked_},
            {"errors", errors_},
            {"publisher_cpu_ms", 1000 * process_cpu_seconds(::getpid()).value_or(0)}};
  }

  json::object result() const {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
    json::object out = progress();
    out["acked_per_room"] = json::value_from(acked_per_room_);
    out["ack_latency"] = ack_latency_.to_json();
    out["elapsed_s"] = elapsed.count();
    return out;
  }

  const PublisherWorkerOptions& options_;
  Target target_;
  std::string host_;
  WorkerLoop loop_;
  asio::steady_timer timer_;
  EpollLoop epoll_;
  std::vector<Connection> connections_;
  std::vector<std::uint64_t> room_seq_;
  std::vector<std::uint64_t> acked_per_room_;
  std::uint64_t total_;
  std::uint64_t scheduled_ = 0;
  std::uint64_t published_ = 0;
  std::uint64_t acked_ = 0;
  std::uint64_t errors_ = 0;
  LatencyHistogram ack_latency_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace

void run_publisher_worker(const PublisherWorkerOptions& options) {
  asio::io_context io(1);
  PublisherWorker worker(io, options);
  worker.run(io);
}

}  // namespace herald::bench
