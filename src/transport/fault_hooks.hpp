#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace herald {

// Faults the server commits on purpose, in test builds only. They exist so that a test can check
// the bench's own arithmetic: tests/integration/bench_fanout_test.cpp has `herald serve` drop,
// duplicate or cut off WebSocket deliveries and asserts that `herald bench fanout` reports
// exactly what the server did. HERALD_FAULT_HOOKS (on with HERALD_TESTS, never in a release
// build) enables them; without it the options do not exist, WsFaults is an empty class that
// takes no room in a connection, and its verdict is a constant the compiler folds away.

// Every count is of `msg` frames, per WebSocket connection; 0 turns the fault off.
struct FaultSettings {
  std::uint64_t drop_every = 0;       // every Nth msg frame is not written
  std::uint64_t duplicate_every = 0;  // every Nth msg frame is written twice
  std::uint64_t close_after = 0;      // the first connection to be sent N is closed after it
};

// What to do with one frame about to be queued for a WebSocket client.
struct FaultVerdict {
  bool drop = false;       // queue nothing
  bool duplicate = false;  // queue it twice
  bool close = false;      // close the session once it is queued
};

#ifdef HERALD_FAULT_HOOKS

// Set once, before the event loops start.
void set_fault_settings(const FaultSettings& settings);
// herald_fault_*_total: what the hooks did, all connections together, so a test can compare.
void append_fault_metrics(std::string& out);

// One connection's count of the msg frames it was given.
class WsFaults {
 public:
  FaultVerdict on_send(std::string_view frame);

 private:
  std::uint64_t msgs_ = 0;
};

#else

inline void set_fault_settings(const FaultSettings&) {}
inline void append_fault_metrics(std::string&) {}

class WsFaults {
 public:
  static constexpr FaultVerdict on_send(std::string_view) { return {}; }
};

#endif

}  // namespace herald
