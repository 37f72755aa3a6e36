#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace herald::bench {

// The bench's running commentary: every worker reports its counters (JSON numbers), and one
// line with their sums goes out at most once per interval, e.g.
//   [storm jitter off] 3.2 s  connected 15000  reconnected 8211  attempts 9130
class Progress {
 public:
  Progress(std::string label, std::size_t workers, std::ostream& out,
           std::chrono::milliseconds interval = std::chrono::milliseconds(1000));

  // Replaces what `worker` reported before; fields that are not numbers are ignored.
  void update(std::size_t worker, const boost::json::object& counters);
  std::uint64_t total(std::string_view counter) const;
  void print_if_due();
  void print();

 private:
  std::string label_;
  std::vector<boost::json::object> latest_;
  std::vector<std::string> order_;  // counter names in the order they first appeared
  std::ostream& out_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point printed_;
};

}  // namespace herald::bench
