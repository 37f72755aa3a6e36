#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <vector>

namespace herald::bench {

// The worst latency among the deliveries sent in each 100 ms of a run. A tail made of episodes
// (a disk's stalled sync, a core taken by another process) shows as spikes over a flat line; a
// tail spread over the whole run, as a raised line. Windows are keyed by send time on the
// machine's monotonic clock, which every worker process reads alike, so timelines from several
// workers merge exactly.
class LatencyTimeline {
 public:
  static constexpr std::int64_t kWindowUs = 100'000;

  void add(std::int64_t sent_us, std::int64_t latency_us);
  void merge(const LatencyTimeline& other);

  struct Row {
    double start_s = 0;  // from the first window's start
    std::uint64_t deliveries = 0;
    double worst_ms = 0;
  };
  // One per window with a delivery, in time order.
  std::vector<Row> rows() const;
  // Windows whose worst delivery took longer than `latency_us`.
  std::size_t windows_over(std::int64_t latency_us) const;
  std::size_t windows() const { return windows_.size(); }

  // Sparse: [[window, deliveries, worst µs], …], window = sent_us / kWindowUs.
  boost::json::value to_json() const;
  static LatencyTimeline from_json(const boost::json::value& json);

 private:
  struct Window {
    std::uint64_t deliveries = 0;
    std::int64_t worst_us = 0;
  };
  void add(std::int64_t window, Window window_stats);

  std::map<std::int64_t, Window> windows_;
};

}  // namespace herald::bench
