#include "bench/timer_heap.hpp"

namespace herald::bench {

void TimerHeap::push(Clock::time_point due, std::size_t key) {
  heap_.push({due, key});
}

std::optional<TimerHeap::Entry> TimerHeap::pop_due(Clock::time_point now) {
  if (heap_.empty() || heap_.top().due > now) return std::nullopt;
  const Entry entry = heap_.top();
  heap_.pop();
  return entry;
}

std::optional<TimerHeap::Clock::time_point> TimerHeap::earliest() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.top().due;
}

}  // namespace herald::bench
