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
#include "bench/ramp.hpp"
#include "bench/worker_channel.hpp"
#include "bench/worker_loop.hpp"
#include "bench/worker_share.hpp"
#include "client/client.hpp"

namespace herald::bench {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

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
        loop_(io, milliseconds(options.deadline_ms)),
        ramp_(io, options.connections, options.open_rate, [this](std::size_t i) { open(i); }),
        lag_(io) {
    connections_.resize(options.connections);
  }

  void run() {
    lag_.start();
    ramp_.start();
    loop_.run([this] { return progress(); }, [this] { return result(); });
  }

 private:
  void open(std::size_t index) {
    const std::size_t number = options_.first_client + index;
    client::ClientOptions client_options{
        .url = options_.url,
        .name = "herald-bench/1",
        .backoff = {.base = milliseconds(options_.backoff_base_ms),
                    .jitter = milliseconds(options_.backoff_jitter_ms),
                    .cap = milliseconds(options_.backoff_cap_ms)},
        .local_address = source_for(options_.sources, index),
        .transports = {client::Transport::websocket}};  // what the storm measures
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
      loop_.finish();
    }
  }

  // ---- reporting

  json::object progress() const {
    return {{"opened", ramp_.opened()},
            {"connected", connected_},
            {"reconnected", came_back_},
            {"attempts", attempts_.total()},
            {"failed", failed_}};
  }

  json::object result() const {
    std::size_t down = 0;
    std::size_t never_up = 0;
    for (const Connection& c : connections_) {
      down += c.lost ? 1 : 0;
      never_up += c.client && !c.up && !c.lost ? 1 : 0;
    }
    return {
        {"clients", connections_.size()},
        {"ready", ready_},
        {"not_reconnected", down},
        {"never_connected", never_up + (connections_.size() - ramp_.opened())},
        {"failed", failed_},
        {"rejected", rejected_},
        {"failure_reasons", json::value_from(failure_reasons_)},
        {"reconnect_ms", json::value_from(reconnect_ms_)},
        {"failed_per_reconnect", json::value_from(failed_per_reconnect_)},
        {"attempts", attempts_.to_json()},
        {"loop_lag_ms", {{"p50", lag_.lags_ms().percentile(50)}, {"max", lag_.lags_ms().max()}}}};
  }

  asio::io_context& io_;
  const StormWorkerOptions& options_;
  WorkerLoop loop_;
  Ramp ramp_;
  LoopLag lag_;  // from ready_ on
  std::vector<Connection> connections_;
  std::size_t connected_ = 0;
  std::size_t came_back_ = 0;  // clients that lost their connection and got one again
  bool ready_ = false;         // every client was connected once: the storm may begin
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
