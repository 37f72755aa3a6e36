#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "bench/subscriber_fleet.hpp"
#include "bench/svg_chart.hpp"

namespace herald::bench {

// One run of the idle scenario.
struct IdleRun {
  std::string target;
  std::size_t connections = 0;
  std::size_t rooms = 0;
  bool all_subscribed = false;
  std::uint64_t rss_before = 0;  // server, bytes
  std::uint64_t rss_after = 0;
  std::uint64_t tcp_before = 0;  // kernel, all TCP sockets, bytes
  std::uint64_t tcp_after = 0;
  double server_cpu_s = 0;  // while connecting
  double tool_cpu_s = 0;
  double connect_s = 0;
  FleetResult fleet;
  std::vector<Point> rss_curve;  // (subscribed connections, server RSS in MiB)

  double rss_per_connection() const;
  double tcp_per_connection() const;
};

void print_idle_table(const IdleRun& run, std::ostream& out);
boost::json::object idle_json(const IdleRun& run);
std::string idle_chart(const IdleRun& run);

}  // namespace herald::bench
