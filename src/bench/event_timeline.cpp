#include "bench/event_timeline.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace herald::bench {

std::int64_t steady_ms(std::chrono::steady_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

void EventTimeline::add(std::int64_t ms, std::size_t events) {
  if (events > 0) counts_[ms] += events;
}

void EventTimeline::merge(const EventTimeline& other) {
  for (const auto& [ms, events] : other.counts_)
    add(ms, events);
}

std::size_t EventTimeline::total() const {
  std::size_t sum = 0;
  for (const auto& entry : counts_)
    sum += entry.second;
  return sum;
}

std::size_t EventTimeline::peak(std::int64_t window_ms) const {
  std::size_t best = 0;
  std::size_t inside = 0;
  auto first = counts_.begin();
  for (auto last = counts_.begin(); last != counts_.end(); ++last) {
    inside += last->second;
    while (last->first - first->first >= window_ms) {
      inside -= first->second;
      ++first;
    }
    best = std::max(best, inside);
  }
  return best;
}

std::vector<std::size_t> EventTimeline::series(std::int64_t from_ms, std::int64_t window_ms,
                                               std::size_t windows) const {
  std::vector<std::size_t> out(windows, 0);
  if (window_ms <= 0) return out;
  for (auto it = counts_.lower_bound(from_ms); it != counts_.end(); ++it) {
    const auto index = static_cast<std::size_t>((it->first - from_ms) / window_ms);
    if (index >= windows) break;
    out[index] += it->second;
  }
  return out;
}

std::int64_t EventTimeline::last_ms(std::int64_t fallback) const {
  return counts_.empty() ? fallback : counts_.rbegin()->first;
}

boost::json::value EventTimeline::to_json() const {
  boost::json::array out;
  out.reserve(counts_.size());
  for (const auto& [ms, events] : counts_)
    out.push_back(boost::json::array{ms, events});
  return out;
}

EventTimeline EventTimeline::from_json(const boost::json::value& json) {
  EventTimeline timeline;
  for (const boost::json::value& entry : json.as_array()) {
    const boost::json::array& pair = entry.as_array();
    timeline.add(pair.at(0).to_number<std::int64_t>(), pair.at(1).to_number<std::size_t>());
  }
  return timeline;
}

}  // namespace herald::bench
