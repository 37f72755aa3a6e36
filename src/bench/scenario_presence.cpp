#include "bench/scenario_presence.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <iostream>
#include <stdexcept>

#include "bench/phase_pump.hpp"
#include "bench/presence_report.hpp"
#include "bench/presence_rooms.hpp"
#include "bench/presence_worker.hpp"
#include "bench/process_cpu.hpp"
#include "bench/prometheus_text.hpp"
#include "bench/quiet_period.hpp"
#include "bench/report.hpp"
#include "bench/server_under_test.hpp"
#include "bench/worker_share.hpp"

namespace herald::bench {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kReportGrace{10'000};
constexpr std::string_view kLabel = "presence";

std::vector<std::vector<std::string>> worker_arguments(const PresenceBenchOptions& options,
                                                       const std::string& url) {
  const double window_s = static_cast<double>(options.join_window.count());
  const milliseconds deadline = options.timeout + 2 * kReportGrace;
  std::vector<std::vector<std::string>> out;
  for (const WorkerShare& share : share_load(options.sessions, options.workers)) {
    const PresenceWorkerOptions worker{
        .url = url,
        .sessions = share.count,
        .first_session = share.first,
        .total_sessions = options.sessions,
        .rooms = options.rooms,
        .sources = share.sources,
        .join_rate = static_cast<double>(share.count) / std::max(window_s, 0.001),
        .deadline_ms = deadline.count()};
    out.push_back({"bench-worker", "presence", json::serialize(json::value_from(worker))});
  }
  return out;
}

template <class T>
T field(const json::object& body, std::string_view key) {
  return body.at(key).to_number<T>();
}

void add_result(PresenceRun& run, const json::object& body) {
  run.joined += field<std::uint64_t>(body, "joined");
  run.listed += field<std::uint64_t>(body, "listed");
  run.complete += field<std::uint64_t>(body, "complete");
  run.frames += field<std::uint64_t>(body, "frames");
  run.count_frames += field<std::uint64_t>(body, "count_frames");
  run.list_frames += field<std::uint64_t>(body, "list_frames");
  run.joins_announced += field<std::uint64_t>(body, "joins_announced");
  run.leaves_announced += field<std::uint64_t>(body, "leaves_announced");
  run.disconnects += field<std::uint64_t>(body, "disconnects");
  for (const json::value& frames : body.at("frames_per_session").as_array())
    run.frames_per_session.add(frames.to_number<double>());
  run.joins.merge(EventTimeline::from_json(body.at("joins")));
  run.frame_times.merge(EventTimeline::from_json(body.at("frame_times")));
}

double presence_diffs(const ServerUnderTest& server) {
  return metric_value(server.metrics(), "herald_presence_diffs_total").value_or(0);
}

double cpu_seconds(pid_t pid) {
  return process_cpu_seconds(pid).value_or(0);
}

// Every session joined and has its list, and no presence frame came for `settle`.
std::function<bool()> settled(const PresenceBenchOptions& options, const Progress& progress,
                              QuietPeriod& quiet) {
  return [&options, &progress, &quiet] {
    const auto now = Clock::now();
    quiet.observe(progress.total("presence_frames"), now);
    return progress.total("joined") == options.sessions &&
           progress.total("listed") == options.sessions && quiet.settled(now);
  };
}

PresenceRun run_phase(const PresenceBenchOptions& options) {
  PresenceRun run{.sessions = options.sessions,
                  .rooms = options.rooms,
                  .workers = options.workers,
                  .join_window_s = static_cast<double>(options.join_window.count()),
                  .room_sizes = room_sizes(options.sessions, options.rooms)};
  ServerUnderTest server(options.server_args);
  server.start();
  const double server_cpu = cpu_seconds(server.pid());
  const double diffs = presence_diffs(server);

  run.started_ms = steady_ms();
  WorkerPool pool(worker_arguments(options, server.ws_url()));
  Progress progress(std::string(kLabel), pool.size(), std::cerr);
  std::size_t results = 0;
  const MessageHandler handle = [&](const WorkerMessage& message) {
    const json::string& type = message.body.at("type").as_string();
    if (type == "progress") progress.update(message.worker, message.body);
    if (type == "result") {
      ++results;
      add_result(run, message.body);
    }
  };
  QuietPeriod quiet(options.settle);
  run.settled = pump(pool, progress, options.timeout, handle, settled(options, progress, quiet));
  run.phase_s = static_cast<double>(steady_ms() - run.started_ms) / 1000.0;
  if (!run.settled) std::cerr << "[presence] timeout: collecting what there is\n";

  run.server_cpu_s = cpu_seconds(server.pid()) - server_cpu;
  run.server_presence_diffs = presence_diffs(server) - diffs;
  for (std::size_t i = 0; i < pool.size(); ++i)
    run.worker_cpu_s.push_back(cpu_seconds(pool.pid(i)));
  finish_workers(
      pool, progress, handle, [&] { return results == pool.size(); }, std::string(kLabel),
      kReportGrace);
  server.stop(kReportGrace);
  return run;
}

}  // namespace

void run_presence(const PresenceBenchOptions& options) {
  if (options.workers == 0 || options.sessions == 0 || options.rooms == 0) {
    throw std::invalid_argument("sessions, workers and rooms must be at least 1");
  }
  const PresenceRun run = run_phase(options);
  print_presence_table(run, std::cout);
  json::object result = presence_json(run);
  result["scenario"] = "presence";
  result["settle_ms"] = options.settle.count();
  write_result(options.out, std::move(result), options.server_args);
  write_text_file(beside(options.out, "-frames.svg"), presence_chart(run));
  std::cout << "wrote " << options.out.string() << " and its chart beside it\n";
}

}  // namespace herald::bench
