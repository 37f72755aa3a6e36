#pragma once

#include <cstddef>
#include <vector>

namespace herald::bench {

// The samples of one measured quantity (say, reconnect times in ms): exact percentiles, since a
// bench keeps at most a few hundred thousand samples, and equal-width bins for a chart.
class Histogram {
 public:
  void add(double value);
  void merge(const Histogram& other);

  std::size_t count() const { return samples_.size(); }
  // Nearest rank: the smallest sample with at least p % of the samples at or below it; 0 when
  // empty. p is clamped to [0, 100].
  double percentile(double p) const;
  double max() const;
  // `bins` equal bins over [0, upper); samples at or above `upper` land in the last one, so
  // nothing disappears from a chart that cuts off the tail.
  std::vector<std::size_t> bins(double upper, std::size_t bins) const;

 private:
  void sort() const;

  mutable std::vector<double> samples_;
  mutable bool sorted_ = true;
};

}  // namespace herald::bench
