#include "bench/scenario_idle.hpp"

#include <boost/json.hpp>
#include <iostream>
#include <stdexcept>

#include "bench/idle_report.hpp"
#include "bench/process_cpu.hpp"
#include "bench/report.hpp"
#include "bench/run_id.hpp"
#include "bench/server_memory.hpp"

namespace herald::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kSampleEvery{250};
constexpr double kMiB = 1024.0 * 1024.0;

IdleRun measure(const IdleOptions& options, const MeasuredServer& server) {
  IdleRun run{.target = std::string(target_name(server.target())),
              .connections = options.connections,
              .rooms = options.rooms,
              .rss_before = resident_bytes(server.pid()).value_or(0),
              .tcp_before = tcp_socket_bytes().value_or(0)};
  const double cpu_before = process_cpu_seconds(server.pid()).value_or(0);
  SubscriberFleet fleet(server, {.subscribers = options.connections,
                                 .rooms = options.rooms,
                                 .workers = options.workers,
                                 .open_rate = options.open_rate,
                                 .room_prefix = new_run_id(),
                                 .label = "idle " + run.target,
                                 .timeout = options.timeout});
  const auto started = Clock::now();
  auto sampled = started;
  const auto sample = [&] {
    if (Clock::now() - sampled < kSampleEvery) return;
    sampled = Clock::now();
    const auto rss = resident_bytes(server.pid()).value_or(0);
    run.rss_curve.emplace_back(static_cast<double>(fleet.total("subscribed")),
                               static_cast<double>(rss) / kMiB);
  };
  run.all_subscribed = fleet.wait_subscribed(sample);
  run.connect_s = std::chrono::duration<double>(Clock::now() - started).count();
  for (const auto settled = Clock::now() + options.settle; Clock::now() < settled;)
    fleet.poll(std::chrono::milliseconds(100));
  run.rss_after = resident_bytes(server.pid()).value_or(0);
  run.tcp_after = tcp_socket_bytes().value_or(0);
  run.server_cpu_s = process_cpu_seconds(server.pid()).value_or(0) - cpu_before;
  run.tool_cpu_s = fleet.cpu_seconds();
  run.rss_curve.emplace_back(static_cast<double>(fleet.total("subscribed")),
                             static_cast<double>(run.rss_after) / kMiB);
  run.fleet = fleet.finish();
  return run;
}

}  // namespace

void run_idle(const IdleOptions& options) {
  if (options.connections == 0 || options.rooms == 0 || options.workers == 0) {
    throw std::invalid_argument("connections, rooms and workers must be at least 1");
  }
  const MeasuredServer server(options.server);
  const IdleRun run = measure(options, server);
  print_idle_table(run, std::cout);
  write_result_and_chart(options.out, idle_json(run), server.description(), ".svg",
                         idle_chart(run));
}

}  // namespace herald::bench
