#include "bench/progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

namespace herald::bench {

Progress::Progress(std::string label, std::size_t workers, std::ostream& out,
                   std::chrono::milliseconds interval)
    : label_(std::move(label)), latest_(workers), out_(out), interval_(interval) {}

void Progress::update(std::size_t worker, const boost::json::object& counters) {
  boost::json::object& mine = latest_.at(worker);
  for (const auto& [key, value] : counters) {
    if (!value.is_number()) continue;
    if (std::find(order_.begin(), order_.end(), key) == order_.end()) order_.emplace_back(key);
    mine[key] = value;
  }
}

// Summed as doubles and rounded: a counter may be a measure with a fraction (a worker's CPU
// milliseconds), which an exact integer conversion would refuse.
std::uint64_t Progress::total(std::string_view counter) const {
  double sum = 0;
  for (const boost::json::object& counters : latest_) {
    if (const boost::json::value* value = counters.if_contains(counter)) {
      sum += value->to_number<double>();
    }
  }
  return static_cast<std::uint64_t>(std::llround(sum));
}

void Progress::print_if_due() {
  if (std::chrono::steady_clock::now() - printed_ >= interval_) print();
}

void Progress::print() {
  printed_ = std::chrono::steady_clock::now();
  const std::chrono::duration<double> elapsed = printed_ - started_;
  std::string line = fmt::format("[{}] {:5.1f} s", label_, elapsed.count());
  for (const std::string& counter : order_)
    line += fmt::format("  {} {}", counter, total(counter));
  out_ << line << '\n' << std::flush;
}

}  // namespace herald::bench
