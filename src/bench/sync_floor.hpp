#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "bench/latency_histogram.hpp"

namespace herald::bench {

// A sync longer than this alone holds every publish waiting on it past a 2 ms delivery budget.
inline constexpr std::chrono::milliseconds kSyncStall{2};

// How long this disk takes to make one written page durable, and the CPU that costs.
struct SyncFloor {
  LatencyHistogram latency;  // µs per fdatasync(2)
  std::uint64_t stalls = 0;  // syncs longer than kSyncStall
  double seconds = 0;        // from the first write to the last sync's return
  double cpu_s = 0;          // this process's CPU in the writes and syncs, not between them
};

// The disk's floor under a synced commit: one 4 KiB page rewritten and fdatasync'ed, `syncs`
// times at `rate` a second (a store's commits are paced by its publishes, and a disk's rare
// stalls show only over seconds) or until `limit` has passed, in a nameless scratch file on
// `dir`'s disk. A store that syncs each commit to that disk cannot acknowledge one sooner,
// whatever it does besides. Throws std::system_error when the file cannot be written.
SyncFloor measure_sync_floor(const std::filesystem::path& dir, std::size_t syncs, double rate,
                             std::chrono::seconds limit);

}  // namespace herald::bench
