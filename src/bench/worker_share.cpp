#include "bench/worker_share.hpp"

#include "bench/source_addresses.hpp"
#include "bench/worker_pool.hpp"

namespace herald::bench {

std::vector<WorkerShare> share_load(std::size_t total, std::size_t workers) {
  const std::vector<std::size_t> counts = share(total, workers);
  auto sources = allocate_source_addresses(counts, connections_per_address(ephemeral_port_range()));
  std::vector<WorkerShare> out;
  std::size_t first = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    out.push_back({counts[i], first, std::move(sources[i])});
    first += counts[i];
  }
  return out;
}

std::string source_for(const std::vector<std::string>& sources, std::size_t index) {
  return sources.empty() ? std::string() : sources[index % sources.size()];
}

}  // namespace herald::bench
