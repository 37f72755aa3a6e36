#include "bench/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <boost/json.hpp>
#include <cmath>

namespace herald::bench {
namespace {

constexpr std::uint64_t kExact = 128;  // values below are their own bucket
constexpr std::uint64_t kHalf = 64;    // buckets per doubling above that

std::size_t bucket_of(std::uint64_t value) {
  if (value < kExact) return value;
  const auto shift = static_cast<int>(std::bit_width(value)) - 7;  // value >> shift: [64, 128)
  return kExact + static_cast<std::size_t>(shift - 1) * kHalf + ((value >> shift) - kHalf);
}

double middle_of(std::size_t bucket) {
  if (bucket < kExact) return static_cast<double>(bucket);
  const std::size_t shift = (bucket - kExact) / kHalf + 1;
  const std::uint64_t low = (kHalf + (bucket - kExact) % kHalf) << shift;
  return static_cast<double>(low) + static_cast<double>((std::uint64_t{1} << shift) - 1) / 2;
}

}  // namespace

void LatencyHistogram::add(std::int64_t us) {
  const std::uint64_t value = us < 0 ? 0 : static_cast<std::uint64_t>(us);
  const std::size_t bucket = bucket_of(value);
  if (bucket >= counts_.size()) counts_.resize(bucket + 1, 0);
  ++counts_[bucket];
  ++count_;
  max_ = std::max<std::int64_t>(max_, static_cast<std::int64_t>(value));
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (std::size_t i = 0; i < other.counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

double LatencyHistogram::percentile_us(double p) const {
  if (count_ == 0) return 0;
  const double fraction = std::clamp(p, 0.0, 100.0) / 100.0;
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(middle_of(i), max_us());
  }
  return max_us();
}

boost::json::object LatencyHistogram::percentiles_ms() const {
  const auto ms = [](double us) { return us / 1000; };
  return {{"p50", ms(percentile_us(50))},
          {"p90", ms(percentile_us(90))},
          {"p99", ms(percentile_us(99))},
          {"p99_9", ms(percentile_us(99.9))},
          {"max", ms(max_us())}};
}

std::vector<std::pair<double, double>> LatencyHistogram::cdf() const {
  std::vector<std::pair<double, double>> points;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    seen += counts_[i];
    points.emplace_back(std::min(middle_of(i), max_us()),
                        100.0 * static_cast<double>(seen) / static_cast<double>(count_));
  }
  return points;
}

boost::json::value LatencyHistogram::to_json() const {
  boost::json::array buckets;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] != 0) buckets.push_back(boost::json::array{i, counts_[i]});
  }
  return {{"buckets", std::move(buckets)}, {"max_us", max_}};
}

LatencyHistogram LatencyHistogram::from_json(const boost::json::value& json) {
  LatencyHistogram out;
  for (const boost::json::value& pair : json.at("buckets").as_array()) {
    const auto bucket = pair.at(0).to_number<std::size_t>();
    const auto count = pair.at(1).to_number<std::uint64_t>();
    if (bucket >= out.counts_.size()) out.counts_.resize(bucket + 1, 0);
    out.counts_[bucket] += count;
    out.count_ += count;
  }
  out.max_ = json.at("max_us").to_number<std::int64_t>();
  return out;
}

}  // namespace herald::bench
