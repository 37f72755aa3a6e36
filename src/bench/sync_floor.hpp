#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>

#include "bench/latency_histogram.hpp"

namespace herald::bench {

// How long this disk takes to make one written page durable, and the CPU that costs.
struct SyncFloor {
  LatencyHistogram latency;  // µs per fdatasync(2)
  double cpu_s = 0;          // this process's CPU over all the syncs, writes included
};

// The disk's floor under a synced commit: one 4 KiB page rewritten and fdatasync'ed, `syncs`
// times or until `limit` has passed, in a nameless scratch file on `dir`'s disk. A store
// that syncs each commit to that disk cannot acknowledge one sooner, whatever it does besides.
// Throws std::system_error when the file cannot be written.
SyncFloor measure_sync_floor(const std::filesystem::path& dir, std::size_t syncs,
                             std::chrono::seconds limit);

}  // namespace herald::bench
