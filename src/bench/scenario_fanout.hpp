#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>

#include "bench/fanout_report.hpp"
#include "bench/measured_server.hpp"

namespace herald::bench {

struct FanoutOptions {
  ServerChoice server;
  std::size_t subscribers = 10'000;
  std::size_t rooms = 10;
  std::size_t workers = 2;
  double rate = 50;  // messages per second over all rooms
  std::chrono::seconds duration{15};
  std::size_t payload_bytes = 64;
  std::size_t publish_connections = 64;
  double open_rate = 5000;            // subscriber connections opened per second
  std::chrono::seconds timeout{120};  // for every subscriber to subscribe
  std::filesystem::path out = "bench/results/fanout.json";  // the chart goes beside it
};

// Fan-out: `subscribers` over `rooms`, then a publisher at `rate` for `duration`; every message
// is stamped, so each delivery is checked for loss, duplicates, order and latency.
FanoutRun measure_fanout(const FanoutOptions& options, const MeasuredServer& server);

// One fan-out run against its server: prints the table, writes the JSON and the latency CDF.
void run_fanout(const FanoutOptions& options);

}  // namespace herald::bench
