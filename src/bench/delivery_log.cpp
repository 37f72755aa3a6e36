#include "bench/delivery_log.hpp"

#include <stdexcept>

namespace herald::bench {

DeliveryLog::Arrival DeliveryLog::record(std::uint64_t seq) {
  if (seq == 0) throw std::invalid_argument("sequence numbers start at 1");
  const std::uint64_t bit = seq - 1;
  const std::uint64_t word = bit / 64;
  const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
  if (word >= seen_.size()) seen_.resize(word + 1 + word / 2, 0);  // grows geometrically
  if ((seen_[word] & mask) != 0) return Arrival::duplicate;
  seen_[word] |= mask;
  ++unique_;
  if (seq < highest_) return Arrival::out_of_order;
  highest_ = seq;
  return Arrival::next;
}

void DeliveryCounts::add(DeliveryLog::Arrival arrival) {
  switch (arrival) {
    case DeliveryLog::Arrival::next:
      ++delivered;
      return;
    case DeliveryLog::Arrival::out_of_order:
      ++delivered;
      ++out_of_order;
      return;
    case DeliveryLog::Arrival::duplicate:
      ++duplicates;
      return;
  }
}

}  // namespace herald::bench
