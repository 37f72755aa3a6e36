#pragma once

#include <cstdint>

namespace herald {

// Userspace memory one idle WebSocket connection costs Herald: 1,597 B measured by
// `herald bench idle --connections 15000 --rooms 100` (docs/performance.md,
// bench/results/compare/idle-herald.json), rounded up.
inline constexpr std::int64_t kMeasuredBytesPerConnection = 1600;

// Kernel memory per connection, which neither VmRSS nor /proc/net/sockstat shows for an idle
// socket: its own objects (on Linux 6.18 slab objects of 2,368 B TCP, 832 B socket inode, 192 B
// file, 192 B dentry, 128 B epoll item: about 3.7 KB), rounded up to one 4 KiB page. Socket
// buffers are not in it: they are charged in whole pages, and only while data is queued.
inline constexpr std::int64_t kKernelBytesPerConnection = 4096;

// Connections one edge may hold, whatever its memory: every connection is a file descriptor, and
// Linux's fs.nr_open (1,048,576 by default) is the highest open-file limit a process can be
// given without raising it. A round figure under it leaves descriptors for listeners, the
// database and logs.
inline constexpr std::int64_t kConnectionsPerEdgeCap = 1'000'000;

// What `herald plan` sizes a fleet from: how many people, how many of them are connected at the
// busiest moment, and what one connection and one edge cost. Sizes are in bytes.
struct FleetInputs {
  std::int64_t dau = 0;
  double peak_online = 0;  // fraction of the DAU connected at peak
  std::int64_t bytes_per_connection = kMeasuredBytesPerConnection;
  std::int64_t kernel_bytes_per_connection = kKernelBytesPerConnection;
  std::int64_t memory_per_edge_bytes = std::int64_t{16} << 30;  // available for connections
  std::int64_t connections_per_edge_cap = kConnectionsPerEdgeCap;
  // Provisioned ÷ peak: room for spikes and for an edge taken out to deploy. 4/3 provisions a
  // 3M peak for 4M, so four edges at peak run at three quarters and three can carry it.
  double headroom = 4.0 / 3.0;
};

// Which limit decides how many connections an edge takes.
enum class EdgeBound { memory, cap };

// The connection budget: every figure `herald plan` prints, from the inputs.
struct FleetPlan {
  FleetInputs inputs;
  std::int64_t peak = 0;                   // connections at peak: ceil(DAU × peak online)
  std::int64_t provisioned = 0;            // ceil(peak × headroom)
  std::int64_t memory_per_connection = 0;  // userspace + kernel bytes
  std::int64_t per_edge_by_memory = 0;     // floor(memory per edge / memory per connection)
  std::int64_t per_edge = 0;               // min(by memory, cap)
  EdgeBound bound = EdgeBound::memory;
  std::int64_t edges = 0;                    // ceil(provisioned / per edge)
  std::int64_t per_edge_at_peak = 0;         // ceil(peak / edges), the load spread evenly
  std::int64_t memory_per_edge_at_peak = 0;  // per edge at peak × memory per connection
};

// Throws std::invalid_argument naming the `herald plan` flag of an input that makes no sense.
FleetPlan plan_fleet(const FleetInputs& inputs);

// GiB (2^30 bytes) as given to --memory-per-edge, in bytes; throws std::invalid_argument unless
// it is a positive finite size.
std::int64_t bytes_from_gib(double gib);

}  // namespace herald
