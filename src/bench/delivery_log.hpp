#pragma once

#include <cstdint>
#include <vector>

namespace herald::bench {

// One subscriber's record of the sequence numbers (1, 2, 3, …) of its room that reached it: one
// bit each, allocated only once messages come, so an idle subscriber costs nothing.
class DeliveryLog {
 public:
  enum class Arrival {
    next,          // higher than any before (a gap below it is a loss until it is filled)
    out_of_order,  // below the highest seen, and new
    duplicate,     // seen before
  };

  // Throws std::invalid_argument for seq 0, which no message has.
  Arrival record(std::uint64_t seq);
  std::uint64_t unique() const { return unique_; }

 private:
  std::vector<std::uint64_t> seen_;
  std::uint64_t highest_ = 0;
  std::uint64_t unique_ = 0;
};

// Counts over many subscribers.
struct DeliveryCounts {
  std::uint64_t delivered = 0;  // unique messages
  std::uint64_t duplicates = 0;
  std::uint64_t out_of_order = 0;

  void add(DeliveryLog::Arrival arrival);
};

}  // namespace herald::bench
