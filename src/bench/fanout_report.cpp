#include "bench/fanout_report.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "bench/svg_chart.hpp"

namespace herald::bench {
namespace {

double ratio(double part, double whole) {
  return whole > 0 ? part / whole : 0;
}

double ms(double us) {
  return us / 1000.0;
}

std::int64_t p99_us(const FanoutRun& run) {
  return static_cast<std::int64_t>(run.fleet.latency.percentile_us(99));
}

// Few windows over the p99 mean the tail came in episodes; nearly all, that it was spread.
boost::json::object timeline_json(const FanoutRun& run) {
  const LatencyTimeline& timeline = run.fleet.timeline;
  boost::json::array rows;
  for (const LatencyTimeline::Row& row : timeline.rows())
    rows.push_back(boost::json::array{row.start_s, row.deliveries, row.worst_ms});
  return {{"window_ms", LatencyTimeline::kWindowUs / 1000},
          {"windows", timeline.windows()},
          {"windows_over_p99", timeline.windows_over(p99_us(run))},
          {"start_s_deliveries_worst_ms", std::move(rows)}};
}

}  // namespace

std::uint64_t FanoutRun::lost() const {
  return expected > fleet.delivered ? expected - fleet.delivered : 0;
}

double FanoutRun::deliveries_per_s() const {
  return ratio(static_cast<double>(fleet.delivered), publish_s);
}

double FanoutRun::server_us_per_delivery() const {
  return ratio(1e6 * server_cpu_s, static_cast<double>(fleet.delivered));
}

bool FanoutRun::clean() const {
  return all_subscribed && publish_errors == 0 && lost() == 0 && fleet.duplicates == 0 &&
         fleet.out_of_order == 0 && fleet.closed == 0;
}

void print_fanout_table(const FanoutRun& run, std::ostream& out) {
  const LatencyHistogram& l = run.fleet.latency;
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"target", run.target},
      {"subscribers / rooms", fmt::format("{} / {}", run.subscribers, run.rooms)},
      {"subscribed", std::to_string(run.fleet.subscribed)},
      {"rate msg/s", fmt::format("{:g}", run.rate)},
      {"published / acked / errors",
       fmt::format("{} / {} / {}", run.published, run.acked, run.publish_errors)},
      {"expected deliveries", std::to_string(run.expected)},
      {"delivered", std::to_string(run.fleet.delivered)},
      {"lost", std::to_string(run.lost())},
      {"duplicates", std::to_string(run.fleet.duplicates)},
      {"out of order", std::to_string(run.fleet.out_of_order)},
      {"subscribers lost", std::to_string(run.fleet.closed)},
      {"deliveries/s", fmt::format("{:.0f}", run.deliveries_per_s())},
      {"latency ms p50 / p90 / p99",
       fmt::format("{:.2f} / {:.2f} / {:.2f}", ms(l.percentile_us(50)), ms(l.percentile_us(90)),
                   ms(l.percentile_us(99)))},
      {"latency ms p99.9 / max",
       fmt::format("{:.2f} / {:.2f}", ms(l.percentile_us(99.9)), ms(l.max_us()))},
      {"publish ack ms p99", fmt::format("{:.2f}", ms(run.ack_latency.percentile_us(99)))},
      {"100 ms windows over the p99",
       fmt::format("{} of {}", run.fleet.timeline.windows_over(p99_us(run)),
                   run.fleet.timeline.windows())},
      {"server CPU s / % of window", fmt::format("{:.2f} / {:.0f}", run.server_cpu_s,
                                                 100 * ratio(run.server_cpu_s, run.window_s))},
      {"server CPU us / delivery", fmt::format("{:.2f}", run.server_us_per_delivery())},
      {"tool CPU s / % of window",
       fmt::format("{:.2f} / {:.0f}", run.tool_cpu_s, 100 * ratio(run.tool_cpu_s, run.window_s))},
      {"publisher CPU s", fmt::format("{:.2f}", run.publisher_cpu_s)},
  };
  for (const auto& [label, value] : rows)
    out << fmt::format("{:<34}{:>24}\n", label, value);
}

boost::json::object fanout_json(const FanoutRun& run) {
  const LatencyHistogram& l = run.fleet.latency;
  return {{"scenario", "fanout"},
          {"target", run.target},
          {"subscribers", run.subscribers},
          {"rooms", run.rooms},
          {"rate", run.rate},
          {"payload_bytes", run.payload_bytes},
          {"all_subscribed", run.all_subscribed},
          {"published", run.published},
          {"acked", run.acked},
          {"publish_errors", run.publish_errors},
          {"expected", run.expected},
          {"delivered", run.fleet.delivered},
          {"lost", run.lost()},
          {"duplicates", run.fleet.duplicates},
          {"out_of_order", run.fleet.out_of_order},
          {"subscribers_lost", run.fleet.closed},
          {"close_reasons", run.fleet.close_reasons_json()},
          {"clean", run.clean()},
          {"publish_s", run.publish_s},
          {"window_s", run.window_s},
          {"deliveries_per_s", run.deliveries_per_s()},
          {"latency_ms", l.percentiles_ms()},
          {"latency_timeline", timeline_json(run)},
          {"publish_ack_ms_p99", ms(run.ack_latency.percentile_us(99))},
          {"server_cpu_s", run.server_cpu_s},
          {"server_cpu_us_per_delivery", run.server_us_per_delivery()},
          {"tool_cpu_s", run.tool_cpu_s},
          {"publisher_cpu_s", run.publisher_cpu_s}};
}

std::string fanout_chart(const FanoutRun& run) {
  std::vector<Point> points;
  for (const auto& [us, percent] : run.fleet.latency.cdf())
    points.emplace_back(ms(us), percent);
  return render_svg({fmt::format("Fan-out latency, {}: {} subscribers in {} rooms, {:g} msg/s",
                                 run.target, run.subscribers, run.rooms, run.rate),
                     "latency (ms)",
                     "% of deliveries within",
                     {{"deliveries", "#1f77b4", std::move(points)}}});
}

std::string fanout_timeline_chart(const FanoutRun& run) {
  std::vector<Point> worst;
  for (const LatencyTimeline::Row& row : run.fleet.timeline.rows())
    worst.emplace_back(row.start_s, row.worst_ms);
  const double end = worst.empty() ? 0 : worst.back().first;
  const double p99 = ms(static_cast<double>(p99_us(run)));
  return render_svg(
      {fmt::format("Worst latency per 100 ms, {}: {} subscribers in {} rooms, {:g} msg/s",
                   run.target, run.subscribers, run.rooms, run.rate),
       "seconds into the run (by send time)",
       "worst latency in the window (ms)",
       {{"worst delivery", "#1f77b4", std::move(worst)},
        {"p99 of the run", "#d62728", {{0, p99}, {end, p99}}}}});
}

}  // namespace herald::bench
