#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "bench/event_timeline.hpp"
#include "bench/histogram.hpp"
#include "client/backoff.hpp"

namespace herald::bench {

// One run of the storm: a fleet of clients with one backoff policy, one disruption.
struct StormPhase {
  std::string name;  // "jitter off", "jitter on"
  client::BackoffPolicy backoff;
  std::int64_t disrupted_ms = 0;  // steady_ms() when the server was killed or told to drain
  double restart_ms = 0;          // until the new server answered /healthz
  std::size_t clients = 0;
  EventTimeline attempts;          // every connection attempt after all clients were connected
  EventTimeline scheduled;         // the same attempts at the moment their backoff named
  Histogram reconnect_ms;          // per lost connection: until connected again
  Histogram failed_per_reconnect;  // per lost connection: attempts that failed meanwhile
  std::uint64_t failed = 0;
  std::uint64_t rejected = 0;  // failed attempts the server refused at the upgrade (503)
  std::map<std::string, std::uint64_t> failure_reasons;
  std::uint64_t not_reconnected = 0;
  std::uint64_t never_connected = 0;
  std::int64_t last_back_ms = 0;  // steady_ms() when the last client was connected again
  double wake_late_p99_ms = 0;    // the worst worker's: how late reconnects went out
  double wake_late_max_ms = 0;
  std::vector<double> tool_cpu_percent;  // per worker, of one core, from the disruption on

  bool all_reconnected() const {
    return not_reconnected == 0 && never_connected == 0 && reconnect_ms.count() >= clients;
  }
  // From the disruption until the last client was back.
  std::int64_t all_back_after_ms() const {
    return last_back_ms > 0 ? last_back_ms - disrupted_ms : 0;
  }
  // The most attempts in any window of `window_ms`, as attempts per second.
  double peak_rate(std::int64_t window_ms) const;
  // The same for the moments the clients' backoff asked for: what a load generator that never
  // falls behind would have sent.
  double scheduled_peak_rate(std::int64_t window_ms) const;
};

// The windows the peak attempt rate is measured over, shortest (the headline) first.
inline constexpr std::int64_t kPeakWindowsMs[] = {10, 100, 1000};

// The phases side by side, one row per measure.
void print_storm_table(const std::vector<StormPhase>& phases, std::ostream& out);
boost::json::object storm_json(const std::vector<StormPhase>& phases);
// The reconnect-time distributions on shared axes.
std::string reconnect_chart(const std::vector<StormPhase>& phases);
// Attempts per second (10 ms windows) from the disruption on.
std::string attempts_chart(const std::vector<StormPhase>& phases);

}  // namespace herald::bench
