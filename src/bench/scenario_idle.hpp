#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>

#include "bench/measured_server.hpp"

namespace herald::bench {

struct IdleOptions {
  ServerChoice server;
  std::size_t connections = 15'000;
  std::size_t rooms = 100;
  std::size_t workers = 2;
  double open_rate = 5000;            // connections opened per second
  std::chrono::seconds settle{3};     // after the last subscription, before memory is read
  std::chrono::seconds timeout{120};  // for every connection to subscribe
  std::filesystem::path out = "bench/results/idle.json";  // the chart goes beside it
};

// Idle memory: `connections` WebSocket subscribers over `rooms`, then nothing. Reports the
// server's resident memory before and after, per connection, and the kernel's TCP memory per
// connection; writes the JSON result and a chart of memory against connections.
void run_idle(const IdleOptions& options);

}  // namespace herald::bench
