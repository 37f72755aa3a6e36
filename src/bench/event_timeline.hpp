#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace herald::bench {

// Milliseconds on the steady clock, which on Linux is CLOCK_MONOTONIC: the same clock in every
// process of the machine, so the timelines of several workers line up.
std::int64_t steady_ms(std::chrono::steady_clock::time_point at = std::chrono::steady_clock::now());

// How many events (say, connection attempts) happened in each millisecond. Sparse, so a long run
// with bursts costs only the milliseconds that saw something.
class EventTimeline {
 public:
  void add(std::int64_t ms, std::size_t events = 1);
  void merge(const EventTimeline& other);
  void clear() { counts_.clear(); }

  std::size_t total() const;
  // The most events in any `window_ms` consecutive milliseconds (a sliding window, so the answer
  // does not depend on where fixed windows happen to start).
  std::size_t peak(std::int64_t window_ms) const;
  // Events in `windows` fixed windows of `window_ms` each, the first starting at `from_ms`.
  std::vector<std::size_t> series(std::int64_t from_ms, std::int64_t window_ms,
                                  std::size_t windows) const;
  // The last millisecond with an event; `fallback` when there is none.
  std::int64_t last_ms(std::int64_t fallback) const;

  // [[ms, events], …]
  boost::json::value to_json() const;
  static EventTimeline from_json(const boost::json::value& json);  // throws on a wrong shape

 private:
  std::map<std::int64_t, std::size_t> counts_;
};

}  // namespace herald::bench
