#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace herald::bench {

struct PresenceBenchOptions {
  std::size_t sessions = 10'000;
  std::size_t workers = 3;
  std::size_t rooms = 100;
  std::chrono::seconds join_window{5};  // the sessions start evenly spread over it
  // Presence has settled once no session got a presence frame for this long: two windows of
  // the server's default presence-window-ms.
  std::chrono::milliseconds settle{4000};
  // Passed to `herald serve` as they are. By default admission is unlimited, so the joins come
  // at the rate the scenario sets rather than at the server's default 500 upgrades a second.
  std::vector<std::string> server_args{"--admission-rate=0"};
  std::chrono::seconds timeout{120};  // for the joins and the settling together
  std::filesystem::path out = "bench/results/presence.json";  // the chart goes beside it
};

// Presence fan-out under load: a new server, sessions of distinct users joining rooms within the
// join window, each asking for its room's list and applying every presence frame, until
// presence settles. Prints a table (frames received against the naive sum of n², whether every
// session knows its whole room, server and worker CPU), writes the JSON result and a chart.
void run_presence(const PresenceBenchOptions& options);

}  // namespace herald::bench
