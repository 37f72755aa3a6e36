#include "bench/scenario_storm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <iostream>
#include <stdexcept>

#include "bench/phase_pump.hpp"
#include "bench/progress.hpp"
#include "bench/report.hpp"
#include "bench/server_under_test.hpp"
#include "bench/storm_report.hpp"
#include "bench/storm_worker.hpp"
#include "bench/worker_pool.hpp"
#include "bench/worker_share.hpp"

namespace herald::bench {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// After the phase timeout the workers are asked to report what they have; this long for that.
constexpr milliseconds kReportGrace{10'000};
// A draining server has this long to exit once its clients are gone.
constexpr milliseconds kServerStopGrace{40'000};

const char* disruption_name(Disruption disruption) {
  return disruption == Disruption::kill ? "kill" : "drain";
}

// Collects what the workers of one phase report.
class PhaseCollector {
 public:
  PhaseCollector(StormPhase& phase, Progress& progress) : phase_(phase), progress_(progress) {}

  void handle(const WorkerMessage& message) {
    const json::string& type = message.body.at("type").as_string();
    if (type == "progress") return progress_.update(message.worker, message.body);
    if (type == "ready") return void(++ready_);
    if (type == "result") return add_result(message.body);
  }
  std::size_t ready() const { return ready_; }
  std::size_t results() const { return results_; }

 private:
  void add_result(const json::object& body) {
    ++results_;
    phase_.attempts.merge(EventTimeline::from_json(body.at("attempts")));
    phase_.scheduled.merge(EventTimeline::from_json(body.at("scheduled")));
    for (const json::value& ms : body.at("reconnect_ms").as_array())
      phase_.reconnect_ms.add(ms.to_number<double>());
    for (const json::value& failed : body.at("failed_per_reconnect").as_array())
      phase_.failed_per_reconnect.add(failed.to_number<double>());
    phase_.failed += body.at("failed").to_number<std::uint64_t>();
    phase_.rejected += body.at("rejected").to_number<std::uint64_t>();
    for (const auto& [reason, count] : body.at("failure_reasons").as_object())
      phase_.failure_reasons[std::string(reason)] += count.to_number<std::uint64_t>();
    phase_.not_reconnected += body.at("not_reconnected").to_number<std::uint64_t>();
    phase_.never_connected += body.at("never_connected").to_number<std::uint64_t>();
    phase_.last_back_ms =
        std::max(phase_.last_back_ms, body.at("last_back_ms").to_number<std::int64_t>());
    const json::object& late = body.at("wake_late_ms").as_object();
    phase_.wake_late_p99_ms = std::max(phase_.wake_late_p99_ms, late.at("p99").to_number<double>());
    phase_.wake_late_max_ms = std::max(phase_.wake_late_max_ms, late.at("max").to_number<double>());
    const json::object& cpu = body.at("tool_cpu").as_object();
    const double wall_ms = cpu.at("wall_ms").to_number<double>();
    phase_.tool_cpu_percent.push_back(
        wall_ms > 0 ? 100 * cpu.at("cpu_ms").to_number<double>() / wall_ms : 0);
  }

  StormPhase& phase_;
  Progress& progress_;
  std::size_t ready_ = 0;
  std::size_t results_ = 0;
};

std::vector<std::vector<std::string>> worker_arguments(const StormOptions& options,
                                                       unsigned short port,
                                                       const client::BackoffPolicy& backoff) {
  const milliseconds deadline = 2 * options.phase_timeout + 2 * kReportGrace;
  std::vector<std::vector<std::string>> out;
  for (const WorkerShare& share : share_load(options.connections, options.workers)) {
    const StormWorkerOptions worker{
        .port = port,
        .connections = share.count,
        .first_client = share.first,
        .rooms = options.rooms,
        .sources = share.sources,
        .backoff_base_ms = backoff.base.count(),
        .backoff_jitter_ms = backoff.jitter.count(),
        .backoff_cap_ms = backoff.cap.count(),
        .open_rate = options.open_rate / static_cast<double>(options.workers),
        .deadline_ms = deadline.count()};
    out.push_back({"bench-worker", "storm", json::serialize(json::value_from(worker))});
  }
  return out;
}

void disrupt(ServerUnderTest& server, Disruption disruption, StormPhase& phase) {
  phase.disrupted_ms = steady_ms();
  const auto started = Clock::now();
  if (disruption == Disruption::kill) {
    server.kill();
  } else {
    server.terminate();
  }
  server.start();
  phase.restart_ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
}

StormPhase run_phase(const StormOptions& options, std::string name,
                     const client::BackoffPolicy& backoff) {
  StormPhase phase{.name = std::move(name), .backoff = backoff, .clients = options.connections};
  ServerUnderTest server(options.server_args);
  server.start();
  WorkerPool pool(worker_arguments(options, server.port(), backoff));
  Progress progress("storm, " + phase.name, pool.size(), std::cerr);
  PhaseCollector collector(phase, progress);
  const MessageHandler handle = [&](const WorkerMessage& message) { collector.handle(message); };

  const bool ready = pump(pool, progress, options.phase_timeout, handle,
                          [&] { return collector.ready() == pool.size(); });
  if (!ready) {
    throw std::runtime_error(fmt::format("{}: not every client connected within {} s", phase.name,
                                         options.phase_timeout.count()));
  }
  std::cerr << "[storm, " << phase.name << "] all connected: " << disruption_name(options.disrupt)
            << " the server\n";
  disrupt(server, options.disrupt, phase);
  const auto all_results = [&] { return collector.results() == pool.size(); };
  if (!pump(pool, progress, options.phase_timeout, handle, all_results)) {
    std::cerr << "[storm, " << phase.name << "] phase timeout: collecting what there is\n";
  }
  finish_workers(pool, progress, handle, all_results, "storm, " + phase.name, kReportGrace);
  server.stop(kServerStopGrace);
  return phase;
}

}  // namespace

void run_storm(const StormOptions& options) {
  if (options.workers == 0 || options.connections == 0 || options.rooms == 0) {
    throw std::invalid_argument("connections, workers and rooms must be at least 1");
  }
  client::BackoffPolicy jitter_off;
  jitter_off.jitter = milliseconds(0);
  std::vector<StormPhase> phases;
  phases.push_back(run_phase(options, "jitter off", jitter_off));
  phases.push_back(run_phase(options, "jitter on", client::BackoffPolicy{}));

  print_storm_table(phases, std::cout);
  json::object result = storm_json(phases);
  result["scenario"] = "storm";
  result["disrupt"] = disruption_name(options.disrupt);
  result["connections"] = options.connections;
  result["workers"] = options.workers;
  result["rooms"] = options.rooms;
  result["open_rate"] = options.open_rate;
  write_result(options.out, std::move(result), options.server_args);
  write_text_file(beside(options.out, "-reconnect.svg"), reconnect_chart(phases));
  write_text_file(beside(options.out, "-attempts.svg"), attempts_chart(phases));
  std::cout << "wrote " << options.out.string() << " and its two charts beside it\n";
}

}  // namespace herald::bench
