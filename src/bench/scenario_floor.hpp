#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>

namespace herald::bench {

struct FloorOptions {
  std::size_t connections = 10'000;
  double rate = 50'000;  // writes per second, over all connections
  std::chrono::seconds duration{15};
  std::size_t frame_bytes = 140;   // about a Herald msg frame carrying 64 bytes of data
  int writer_cpu = -1;             // the CPU the writer is pinned to; -1: not pinned
  std::filesystem::path sync_dir;  // where the disk's sync is timed; empty: the temp directory
  std::size_t syncs = 12'000;
  double sync_rate = 800;  // syncs a second: about a store's commits under 5000 publishes a second
  std::filesystem::path out = "bench/results/floor.json";
};

// The machine's floor for a fan-out: a bare writer process, no server around it, sends one
// pre-built WebSocket frame per write(2) to each of `connections` loopback TCP connections, at
// `rate` writes a second; this process reads them all. Reports the writer's CPU per write, the
// cost any server pays per delivery that is not coalesced, so a server's CPU per delivery can
// be read as a ratio against it, measured in the same run. Before that, times the disk's floor
// under a synced commit (sync_floor.hpp) in `sync_dir`.
void run_floor(const FloorOptions& options);

}  // namespace herald::bench
