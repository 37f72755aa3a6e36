#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace herald::bench {

enum class Disruption {
  kill,   // SIGKILL the edge and start a new one on the same port and data at once
  drain,  // SIGTERM the edge (it drains) and start the new one beside it (SO_REUSEPORT)
};

struct StormOptions {
  std::size_t connections = 15'000;
  std::size_t workers = 3;
  std::size_t rooms = 100;
  double open_rate = 3000;  // connections per second while ramping up, over all workers
  Disruption disrupt = Disruption::kill;
  std::vector<std::string> server_args;     // passed to every `herald serve` as they are
  std::chrono::seconds phase_timeout{120};  // for the ramp-up, and again for the storm
  std::filesystem::path out = "bench/results/storm.json";  // the charts go beside it
};

// The reconnect storm, twice: with jitter off, then with the default jittered backoff. Each
// time a new server, a fleet of clients that connect and join (epoll swarms that reconnect by
// the client library's rules, see storm_worker.hpp), one disruption, and every client's way
// back measured. Prints a table, writes the JSON result and two SVG charts.
void run_storm(const StormOptions& options);

}  // namespace herald::bench
