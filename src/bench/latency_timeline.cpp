#include "bench/latency_timeline.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace herald::bench {

void LatencyTimeline::add(std::int64_t sent_us, std::int64_t latency_us) {
  add(sent_us / kWindowUs, {1, std::max<std::int64_t>(latency_us, 0)});
}

void LatencyTimeline::add(std::int64_t window, Window window_stats) {
  Window& into = windows_[window];
  into.deliveries += window_stats.deliveries;
  into.worst_us = std::max(into.worst_us, window_stats.worst_us);
}

void LatencyTimeline::merge(const LatencyTimeline& other) {
  for (const auto& [window, stats] : other.windows_)
    add(window, stats);
}

std::vector<LatencyTimeline::Row> LatencyTimeline::rows() const {
  std::vector<Row> rows;
  if (windows_.empty()) return rows;
  const std::int64_t first = windows_.begin()->first;
  for (const auto& [window, stats] : windows_) {
    rows.push_back({static_cast<double>((window - first) * kWindowUs) / 1e6, stats.deliveries,
                    static_cast<double>(stats.worst_us) / 1000});
  }
  return rows;
}

std::size_t LatencyTimeline::windows_over(std::int64_t latency_us) const {
  return static_cast<std::size_t>(std::count_if(
      windows_.begin(), windows_.end(),
      [latency_us](const auto& window) { return window.second.worst_us > latency_us; }));
}

boost::json::value LatencyTimeline::to_json() const {
  boost::json::array out;
  for (const auto& [window, stats] : windows_)
    out.push_back(boost::json::array{window, stats.deliveries, stats.worst_us});
  return out;
}

LatencyTimeline LatencyTimeline::from_json(const boost::json::value& json) {
  LatencyTimeline out;
  for (const boost::json::value& entry : json.as_array()) {
    out.add(entry.at(0).to_number<std::int64_t>(),
            {entry.at(1).to_number<std::uint64_t>(), entry.at(2).to_number<std::int64_t>()});
  }
  return out;
}

}  // namespace herald::bench
