#include "bench/storm_worker.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string_view>

#include "bench/bench_target.hpp"
#include "bench/event_timeline.hpp"
#include "bench/histogram.hpp"
#include "bench/process_cpu.hpp"
#include "bench/ramp.hpp"
#include "bench/reconnector.hpp"
#include "bench/worker_channel.hpp"
#include "bench/worker_loop.hpp"
#include "bench/worker_share.hpp"
#include "bench/ws_swarm.hpp"

namespace herald::bench {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// One client and what the storm did to it.
struct Member {
  Reconnector reconnect;
  Clock::time_point lost_at;
  std::uint32_t failed = 0;  // attempts that failed since lost_at
  bool up = false;           // welcomed, and not closed since
  bool lost = false;         // down since lost_at, not connected again yet
  bool came_back = false;
};

double cpu_ms() {
  return 1000 * process_cpu_seconds(::getpid()).value_or(0);
}

class StormWorker final : public WsSwarmHandler {
 public:
  StormWorker(asio::io_context& io, const StormWorkerOptions& options)
      : options_(options),
        loop_(io, milliseconds(options.deadline_ms)),
        swarm_({options.server_ip, options.port}, options.connections, *this),
        ramp_(io, options.connections, options.open_rate, [this](std::size_t i) { attempt(i); }) {
    const client::BackoffPolicy policy{.base = milliseconds(options.backoff_base_ms),
                                       .jitter = milliseconds(options.backoff_jitter_ms),
                                       .cap = milliseconds(options.backoff_cap_ms)};
    const std::uint64_t seed = client::SplitMix64::random_seed();
    members_.reserve(options.connections);
    for (std::size_t i = 0; i < options.connections; ++i)
      members_.push_back({.reconnect = Reconnector(policy, seed + i)});
  }

  void run(asio::io_context& io) {
    ramp_.start();
    loop_.start([this] { return progress(); }, [this] { return result(); });
    swarm_.run(io);
  }

  // ---- the swarm's calls

  std::string target(std::size_t) override { return subscribe_target(Target::herald, {}); }

  void on_open(std::size_t index, std::string& out) override {
    out = subscribe_frames(Target::herald, room_of(index));
  }

  void on_message(std::size_t index, std::string_view text) override {
    Member& m = members_[index];
    if (const auto wait = goaway_delay(text)) m.reconnect.on_goaway(*wait);
    if (!m.up && text.find(R"("op":"welcome")") != std::string_view::npos) on_connected(index);
  }

  void on_closed(std::size_t index, std::string_view reason, milliseconds retry_after) override {
    Member& m = members_[index];
    if (m.up) {
      on_lost(m);
    } else if (m.lost) {
      on_failed(m, reason);
    }
    const Clock::time_point due = Clock::now() + m.reconnect.on_lost(retry_after);
    if (ready_) scheduled_.add(steady_ms(due));
    swarm_.wake_at(index, due);
  }

  void on_wake(std::size_t index, Clock::time_point due) override {
    if (ready_) late_ms_.add(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
    attempt(index);
  }

 private:
  std::string room_of(std::size_t index) const {
    return "storm-" + std::to_string((options_.first_client + index) % options_.rooms);
  }

  // Stamped just before the swarm calls connect(): the moment the server sees the SYN.
  void attempt(std::size_t index) {
    if (ready_) attempts_.add(steady_ms());
    swarm_.open(index, source_for(options_.sources, index));
  }

  // ---- measuring

  void on_lost(Member& m) {
    m.up = false;
    m.lost = true;
    m.lost_at = Clock::now();
    m.failed = 0;
    --connected_;
  }

  void on_failed(Member& m, std::string_view reason) {
    ++m.failed;
    ++failed_;
    ++failure_reasons_[std::string(reason)];
    // The server answered the upgrade with a refusal (503 when full, draining or over the
    // admission rate), as opposed to a connection that broke before any answer.
    if (reason.starts_with("upgrade refused")) ++rejected_;
  }

  void on_connected(std::size_t index) {
    Member& m = members_[index];
    m.up = true;
    m.reconnect.on_welcome();
    ++connected_;
    if (m.lost) on_came_back(m);
    if (!ready_ && connected_ == members_.size()) on_ready();
    if (ready_ && came_back_ == members_.size() && connected_ == members_.size()) loop_.finish();
  }

  void on_came_back(Member& m) {
    const std::chrono::duration<double, std::milli> took = Clock::now() - m.lost_at;
    reconnect_ms_.push_back(took.count());
    failed_per_reconnect_.push_back(m.failed);
    last_back_ms_ = steady_ms();
    m.lost = false;
    if (!m.came_back) ++came_back_;
    m.came_back = true;
  }

  // Every client was connected once: the storm may begin, and the tool's CPU is counted from
  // here.
  void on_ready() {
    ready_ = true;
    ready_at_ = Clock::now();
    cpu_at_ready_ms_ = cpu_ms();
    WorkerChannel::send({{"type", "ready"}});
  }

  // ---- reporting

  json::object progress() const {
    return {{"opened", ramp_.opened()},      {"connected", connected_}, {"reconnected", came_back_},
            {"attempts", attempts_.total()}, {"failed", failed_},       {"tool_cpu_ms", cpu_ms()}};
  }

  json::object result() const {
    std::size_t down = 0;
    std::size_t never_up = 0;
    for (const Member& m : members_) {
      down += m.lost ? 1 : 0;
      never_up += !m.up && !m.lost ? 1 : 0;
    }
    return {{"clients", members_.size()},
            {"ready", ready_},
            {"not_reconnected", down},
            {"never_connected", never_up},
            {"failed", failed_},
            {"rejected", rejected_},
            {"failure_reasons", json::value_from(failure_reasons_)},
            {"reconnect_ms", json::value_from(reconnect_ms_)},
            {"failed_per_reconnect", json::value_from(failed_per_reconnect_)},
            {"last_back_ms", last_back_ms_},
            {"attempts", attempts_.to_json()},
            {"scheduled", scheduled_.to_json()},
            {"wake_late_ms",
             {{"p50", late_ms_.percentile(50)},
              {"p99", late_ms_.percentile(99)},
              {"max", late_ms_.max()}}},
            {"tool_cpu", tool_cpu()}};
  }

  // The CPU this worker used since the storm began, against the time that has passed.
  json::object tool_cpu() const {
    if (!ready_) return {{"cpu_ms", 0}, {"wall_ms", 0}};
    const std::chrono::duration<double, std::milli> wall = Clock::now() - ready_at_;
    return {{"cpu_ms", cpu_ms() - cpu_at_ready_ms_}, {"wall_ms", wall.count()}};
  }

  const StormWorkerOptions& options_;
  WorkerLoop loop_;
  WsSwarm swarm_;
  Ramp ramp_;
  std::vector<Member> members_;
  std::size_t connected_ = 0;
  std::size_t came_back_ = 0;  // clients that lost their connection and got one again
  bool ready_ = false;         // every client was connected once: the storm may begin
  Clock::time_point ready_at_;
  double cpu_at_ready_ms_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t rejected_ = 0;
  std::map<std::string, std::uint64_t> failure_reasons_;  // the swarm's words, counted
  EventTimeline attempts_;                                // attempts after ready_
  EventTimeline scheduled_;  // the same, at the moments their backoff named
  Histogram late_ms_;        // after ready_: how long after its due time each reconnect went out
  std::vector<double> reconnect_ms_;
  std::vector<std::uint64_t> failed_per_reconnect_;
  std::int64_t last_back_ms_ = 0;  // steady_ms() of the last reconnect
};

}  // namespace

void run_storm_worker(const StormWorkerOptions& options) {
  asio::io_context io(1);
  StormWorker worker(io, options);
  worker.run(io);
}

}  // namespace herald::bench
