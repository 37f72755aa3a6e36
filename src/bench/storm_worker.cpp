#include "bench/storm_worker.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <string_view>

#include "bench/event_timeline.hpp"
#include "bench/loop_lag.hpp"
#include "bench/worker_channel.hpp"
#include "client/client.hpp"

namespace herald::bench {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kTick{10};  // how often the ramp-up starts the connections now due
constexpr milliseconds kProgressEvery{250};

// One client and what the storm did to it.
struct Connection {
  std::unique_ptr<client::Client> client;
  bool up = false;
  bool lost = false;  // down since lost_at, not connected again yet
  bool came_back = false;
  Clock::time_point lost_at;
  std::uint64_t failed = 0;  // attempts that failed since lost_at
};

class StormWorker {
 public:
  StormWorker(asio::io_context& io, const StormWorkerOptions& options)
      : io_(io),
        options_(options),
        channel_(io),
        tick_(io),
        progress_(io),
        deadline_(io),
        lag_(io) {
    connections_.resize(options.connections);
  }

  void run() {
    channel_.on_finish([this] { finish(); });
    deadline_.expires_after(milliseconds(options_.deadline_ms));
    deadline_.async_wait([this](boost::system::error_code ec) {
      if (!ec) finish();
    });
    started_ = Clock::now();
    lag_.start();
    ramp_up();
    report_progress();
    io_.run();
  }

 private:
  // ---- ramping up: clients start at open_rate, so the server is not stormed before the storm

  void ramp_up() {
    const std::chrono::duration<double> elapsed = Clock::now() - started_;
    const auto due = static_cast<std::size_t>(elapsed.count() * options_.open_rate) + 1;
    while (opened_ < connections_.size() && opened_ < due)
      open(opened_++);
    if (opened_ == connections_.size()) return;
    tick_.expires_after(kTick);
    tick_.async_wait([this](boost::system::error_code ec) {
      if (!ec) ramp_up();
    });
  }

  void open(std::size_t index) {
    const std::size_t number = options_.first_client + index;
    client::ClientOptions client_options{
        .url = options_.url,
        .name = "herald-bench/1",
        .backoff = {.base = milliseconds(options_.backoff_base_ms),
                    .jitter = milliseconds(options_.backoff_jitter_ms),
                    .cap = milliseconds(options_.backoff_cap_ms)}};
    if (!options_.sources.empty()) {
      client_options.local_address = options_.sources[index % options_.sources.size()];
    }
    auto& client = connections_[index].client =
        std::make_unique<client::Client>(io_, std::move(client_options));
    client->on_attempt([this] {
      if (ready_) attempts_.add(steady_ms());
    });
    client->on_state([this, index](client::State state, std::string_view reason) {
      on_state(connections_[index], state, reason);
    });
    client->join("storm-" + std::to_string(number % options_.rooms));
    client->start();
  }

  // ---- measuring

  void on_state(Connection& c, client::State state, std::string_view reason) {
    if (state == client::State::connected) return on_connected(c);
    if (reason == "stopped") return;
    if (c.up) {
      c.up = false;
      c.lost = true;
      c.lost_at = Clock::now();
      c.failed = 0;
      --connected_;
      return;
    }
    if (!c.lost) return;  // still ramping up
    ++c.failed;
    ++failed_;
    ++failure_reasons_[std::string(reason)];
    // The server answered the upgrade with a refusal (503 when full or draining); the status the
    // client quotes is meaningless when the connection broke before any answer.
    if (reason.find("declined") != std::string_view::npos) ++rejected_;
  }

  void on_connected(Connection& c) {
    c.up = true;
    ++connected_;
    if (c.lost) {
      const std::chrono::duration<double, std::milli> took = Clock::now() - c.lost_at;
      reconnect_ms_.push_back(took.count());
      failed_per_reconnect_.push_back(c.failed);
      c.lost = false;
      if (!c.came_back) ++came_back_;
      c.came_back = true;
    }
    if (!ready_ && connected_ == connections_.size()) {
      ready_ = true;
      lag_.reset();
      WorkerChannel::send({{"type", "ready"}});
    }
    if (ready_ && came_back_ == connections_.size() && connected_ == connections_.size()) {
      finish();
    }
  }

  // ---- reporting

  void report_progress() {
    WorkerChannel::send({{"type", "progress"},
                         {"opened", opened_},
                         {"connected", connected_},
                         {"reconnected", came_back_},
                         {"attempts", attempts_.total()},
                         {"failed", failed_}});
    progress_.expires_after(kProgressEvery);
    progress_.async_wait([this](boost::system::error_code ec) {
      if (!ec) report_progress();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    std::size_t down = 0;
    std::size_t never_up = 0;
    for (const Connection& c : connections_) {
      down += c.lost ? 1 : 0;
      never_up += c.client && !c.up && !c.lost ? 1 : 0;
    }
    WorkerChannel::send(
        {{"type", "result"},
         {"clients", connections_.size()},
         {"ready", ready_},
         {"not_reconnected", down},
         {"never_connected", never_up + (connections_.size() - opened_)},
         {"failed", failed_},
         {"rejected", rejected_},
         {"failure_reasons", json::value_from(failure_reasons_)},
         {"reconnect_ms", json::value_from(reconnect_ms_)},
         {"failed_per_reconnect", json::value_from(failed_per_reconnect_)},
         {"attempts", attempts_.to_json()},
         {"loop_lag_ms", {{"p50", lag_.lags_ms().percentile(50)}, {"max", lag_.lags_ms().max()}}}});
    io_.stop();
  }

  asio::io_context& io_;
  const StormWorkerOptions& options_;
  WorkerChannel channel_;
  asio::steady_timer tick_;
  asio::steady_timer progress_;
  asio::steady_timer deadline_;
  LoopLag lag_;  // from ready_ on
  std::vector<Connection> connections_;
  Clock::time_point started_;
  std::size_t opened_ = 0;
  std::size_t connected_ = 0;
  std::size_t came_back_ = 0;  // clients that lost their connection and got one again
  bool ready_ = false;         // every client was connected once: the storm may begin
  bool finished_ = false;
  std::uint64_t failed_ = 0;
  std::uint64_t rejected_ = 0;
  std::map<std::string, std::uint64_t> failure_reasons_;  // the client's words, counted
  EventTimeline attempts_;                                // attempts after ready_
  std::vector<double> reconnect_ms_;
  std::vector<std::uint64_t> failed_per_reconnect_;
};

}  // namespace

void run_storm_worker(const StormWorkerOptions& options) {
  asio::io_context io(1);
  StormWorker worker(io, options);
  worker.run();
}

}  // namespace herald::bench
