#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bench/latency_histogram.hpp"
#include "bench/publisher_worker.hpp"

namespace herald::bench {

// What the publisher worker reported at its end.
struct PublisherResult {
  std::uint64_t published = 0;
  std::uint64_t acked = 0;
  std::uint64_t errors = 0;
  double elapsed_s = 0;  // from the first publish to the last answer
  double cpu_s = 0;
  std::vector<std::uint64_t> acked_per_room;
  LatencyHistogram ack_latency;
};

// Starts the publisher worker, shows its progress under `label` and runs `between_polls` while
// it works, until it ends by itself. Throws std::runtime_error if it ends without a result.
PublisherResult run_publisher(const PublisherWorkerOptions& options, const std::string& label,
                              const std::function<void()>& between_polls);

}  // namespace herald::bench
