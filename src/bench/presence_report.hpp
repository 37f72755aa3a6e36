#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "bench/event_timeline.hpp"
#include "bench/histogram.hpp"

namespace herald::bench {

// One run of the presence scenario, all workers together.
struct PresenceRun {
  std::size_t sessions = 0;
  std::size_t rooms = 0;
  std::size_t workers = 0;
  double join_window_s = 0;
  std::vector<std::size_t> room_sizes;
  bool settled = false;         // presence went quiet before the timeout
  std::int64_t started_ms = 0;  // steady_ms() when the workers were started
  double phase_s = 0;           // from started_ms until settled (or the timeout)

  // What the sessions received.
  std::uint64_t joined = 0;    // sessions that were joined
  std::uint64_t listed = 0;    // sessions that got their room's list
  std::uint64_t complete = 0;  // sessions that ended up knowing every member of their room
  std::uint64_t frames = 0;    // presence frames other than list answers
  std::uint64_t count_frames = 0;
  std::uint64_t list_frames = 0;
  std::uint64_t joins_announced = 0;
  std::uint64_t leaves_announced = 0;
  std::uint64_t disconnects = 0;
  Histogram frames_per_session;
  EventTimeline joins;
  EventTimeline frame_times;

  // What it cost.
  double server_cpu_s = 0;
  std::vector<double> worker_cpu_s;
  double server_presence_diffs = 0;  // herald_presence_diffs_total during the phase

  std::uint64_t naive_frames() const;
  double worker_cpu_total_s() const;
};

void print_presence_table(const PresenceRun& run, std::ostream& out);
boost::json::object presence_json(const PresenceRun& run);
// Joins and presence frames received, cumulative, over the phase.
std::string presence_chart(const PresenceRun& run);

}  // namespace herald::bench
