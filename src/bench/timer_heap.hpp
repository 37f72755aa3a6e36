#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <queue>
#include <vector>

namespace herald::bench {

// Keys (connection numbers) waiting for a moment, earliest first: a load generator's pending
// reconnects. 16 bytes a key and no allocation per entry, so tens of thousands cost nothing.
class TimerHeap {
 public:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Clock::time_point due;
    std::size_t key = 0;
  };

  void push(Clock::time_point due, std::size_t key);
  // The earliest entry that is due at `now` or before, taken off; nothing when none is due yet.
  std::optional<Entry> pop_due(Clock::time_point now);
  // When the earliest key is due; nothing when the heap is empty.
  std::optional<Clock::time_point> earliest() const;
  std::size_t size() const { return heap_.size(); }

 private:
  // Equal times go out by key, so the order never depends on the heap's shape.
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.due != b.due ? a.due > b.due : a.key > b.key;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
};

}  // namespace herald::bench
