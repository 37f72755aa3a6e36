#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <utility>
#include <vector>

namespace herald::bench {

// Latencies in microseconds, counted in log-linear buckets (exact below 128 µs, within 1.6 %
// above): millions of deliveries cost a few kilobytes, and workers' histograms merge exactly.
class LatencyHistogram {
 public:
  void add(std::int64_t us);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  // Nearest rank, as the middle of the bucket it falls in; 0 when empty.
  double percentile_us(double p) const;
  double max_us() const { return static_cast<double>(max_); }
  // {p50, p90, p99, p99_9, max}, in milliseconds: how results report a latency.
  boost::json::object percentiles_ms() const;
  // (latency in µs, % of the samples at or below it), one point per non-empty bucket.
  std::vector<std::pair<double, double>> cdf() const;

  // Sparse: [[bucket, count], …] and the exact maximum.
  boost::json::value to_json() const;
  static LatencyHistogram from_json(const boost::json::value& json);

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace herald::bench
