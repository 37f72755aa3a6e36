#include "bench/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace herald::bench {

void Histogram::add(double value) {
  sorted_ = sorted_ && (samples_.empty() || samples_.back() <= value);
  samples_.push_back(value);
}

void Histogram::merge(const Histogram& other) {
  samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  sorted_ = false;
}

void Histogram::sort() const {
  if (sorted_) return;
  std::sort(samples_.begin(), samples_.end());
  sorted_ = true;
}

double Histogram::percentile(double p) const {
  if (samples_.empty()) return 0;
  sort();
  const double fraction = std::clamp(p, 0.0, 100.0) / 100.0;
  const auto count = static_cast<double>(samples_.size());
  const auto rank = static_cast<std::size_t>(std::ceil(fraction * count));
  return samples_[rank == 0 ? 0 : rank - 1];
}

double Histogram::max() const {
  return percentile(100);
}

std::vector<std::size_t> Histogram::bins(double upper, std::size_t bins) const {
  std::vector<std::size_t> counts(bins, 0);
  if (bins == 0 || upper <= 0) return counts;
  const double width = upper / static_cast<double>(bins);
  for (const double sample : samples_) {
    const auto index = static_cast<std::size_t>(std::max(sample, 0.0) / width);
    ++counts[std::min(index, bins - 1)];
  }
  return counts;
}

}  // namespace herald::bench
