#include "bench/idle_report.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

namespace herald::bench {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

double per(std::uint64_t before, std::uint64_t after, std::uint64_t count) {
  if (count == 0 || after < before) return 0;
  return static_cast<double>(after - before) / static_cast<double>(count);
}

}  // namespace

double IdleRun::rss_per_connection() const {
  return per(rss_before, rss_after, fleet.subscribed);
}

double IdleRun::tcp_per_connection() const {
  return per(tcp_before, tcp_after, fleet.subscribed);
}

void print_idle_table(const IdleRun& run, std::ostream& out) {
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"target", run.target},
      {"connections subscribed", fmt::format("{} / {}", run.fleet.subscribed, run.connections)},
      {"server RSS before MiB", fmt::format("{:.1f}", static_cast<double>(run.rss_before) / kMiB)},
      {"server RSS after MiB", fmt::format("{:.1f}", static_cast<double>(run.rss_after) / kMiB)},
      {"server RSS bytes / connection", fmt::format("{:.0f}", run.rss_per_connection())},
      {"kernel TCP bytes / connection", fmt::format("{:.0f}", run.tcp_per_connection())},
      {"connections lost", std::to_string(run.fleet.closed)},
      {"server CPU s (connecting)", fmt::format("{:.2f}", run.server_cpu_s)},
      {"tool CPU s", fmt::format("{:.2f}", run.tool_cpu_s)},
      {"connect s", fmt::format("{:.1f}", run.connect_s)},
  };
  for (const auto& [label, value] : rows)
    out << fmt::format("{:<34}{:>16}\n", label, value);
}

boost::json::object idle_json(const IdleRun& run) {
  return {{"scenario", "idle"},
          {"target", run.target},
          {"connections", run.connections},
          {"rooms", run.rooms},
          {"all_subscribed", run.all_subscribed},
          {"subscribed", run.fleet.subscribed},
          {"rss_before_bytes", run.rss_before},
          {"rss_after_bytes", run.rss_after},
          {"rss_bytes_per_connection", run.rss_per_connection()},
          {"kernel_tcp_before_bytes", run.tcp_before},
          {"kernel_tcp_after_bytes", run.tcp_after},
          // Both ends: on loopback the clients' sockets are the same kernel's.
          {"kernel_tcp_bytes_per_connection_both_ends", run.tcp_per_connection()},
          {"connections_lost", run.fleet.closed},
          {"close_reasons", run.fleet.close_reasons_json()},
          {"server_cpu_s", run.server_cpu_s},
          {"tool_cpu_s", run.tool_cpu_s},
          {"connect_s", run.connect_s}};
}

std::string idle_chart(const IdleRun& run) {
  return render_svg({fmt::format("Idle memory, {}: {} connections over {} rooms", run.target,
                                 run.connections, run.rooms),
                     "connections subscribed",
                     "server RSS (MiB)",
                     {{"server RSS", "#1f77b4", run.rss_curve}}});
}

}  // namespace herald::bench
