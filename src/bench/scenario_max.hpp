#pragma once

#include <cstddef>
#include <filesystem>

#include "bench/scenario_fanout.hpp"

namespace herald::bench {

struct MaxOptions {
  FanoutOptions fanout;  // the shape; its rate is the first step's
  double factor = 1.5;   // each step's rate over the one before
  std::size_t steps = 8;
  double p99_limit_ms = 100;
};

// Highest sustained fan-out: fan-out runs at a rate raised step by step, until one loses a
// message, reorders or duplicates one, misses its p99 limit or falls behind the offered rate.
// Reports the highest deliveries/s that passed; writes the JSON and a chart of delivered
// against offered deliveries/s.
void run_max(const MaxOptions& options);

}  // namespace herald::bench
