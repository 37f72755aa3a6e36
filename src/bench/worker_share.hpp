#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace herald::bench {

// One worker's part of a load of numbered clients.
struct WorkerShare {
  std::size_t count = 0;
  std::size_t first = 0;             // the number of its first client across all workers
  std::vector<std::string> sources;  // its own local addresses (see allocate_source_addresses)
};

// `total` clients split evenly over `workers`, numbered consecutively, each worker with enough
// loopback addresses of its own for its share.
std::vector<WorkerShare> share_load(std::size_t total, std::size_t workers);

// The local address a worker's client `index` connects from: its addresses in turn; empty (any)
// when it has none.
std::string source_for(const std::vector<std::string>& sources, std::size_t index);

}  // namespace herald::bench
