#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <ostream>
#include <string>

#include "bench/latency_histogram.hpp"
#include "bench/subscriber_fleet.hpp"

namespace herald::bench {

// One run of the fan-out scenario.
struct FanoutRun {
  std::string target;
  std::size_t subscribers = 0;
  std::size_t rooms = 0;
  double rate = 0;
  std::size_t payload_bytes = 0;
  bool all_subscribed = false;
  std::uint64_t published = 0;
  std::uint64_t acked = 0;
  std::uint64_t publish_errors = 0;
  std::uint64_t expected = 0;  // acknowledged messages times their room's subscribers
  double publish_s = 0;        // from the first publish to the last acknowledgement
  double window_s = 0;         // from the first publish until delivery drained
  double server_cpu_s = 0;     // over the window
  double tool_cpu_s = 0;       // subscriber workers, over the window
  double publisher_cpu_s = 0;
  LatencyHistogram ack_latency;
  FleetResult fleet;

  std::uint64_t lost() const;
  double deliveries_per_s() const;
  double server_us_per_delivery() const;
  // No loss, no duplicate, nothing out of order, and every subscriber stayed.
  bool clean() const;
};

void print_fanout_table(const FanoutRun& run, std::ostream& out);
boost::json::object fanout_json(const FanoutRun& run);
// The latency CDF: % of deliveries within x ms.
std::string fanout_chart(const FanoutRun& run);
// The worst latency in each 100 ms of the run, against the run's p99: episodes or a spread tail.
std::string fanout_timeline_chart(const FanoutRun& run);

}  // namespace herald::bench
