#include "bench/scenario_max.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <iostream>

#include "bench/report.hpp"
#include "bench/subscriber_worker.hpp"
#include "bench/svg_chart.hpp"

namespace herald::bench {
namespace {

// A step that delivers less than this share of what was offered has fallen behind.
constexpr double kKeptUp = 0.95;

double offered_deliveries(const FanoutOptions& options) {
  return options.rate * static_cast<double>(options.subscribers) /
         static_cast<double>(options.rooms);
}

bool passed(const FanoutRun& run, const MaxOptions& options, double offered) {
  return run.clean() && run.fleet.latency.percentile_us(99) < 1000 * options.p99_limit_ms &&
         run.deliveries_per_s() >= kKeptUp * offered;
}

std::string chart(const boost::json::array& steps, const std::string& target) {
  Series delivered{"delivered", "#1f77b4", {}};
  Series offered{"offered", "#999999", {}};
  for (const boost::json::value& step : steps) {
    const double x = step.at("offered_deliveries_per_s").to_number<double>();
    delivered.points.emplace_back(x, step.at("deliveries_per_s").to_number<double>());
    offered.points.emplace_back(x, x);
  }
  return render_svg({"Highest sustained fan-out, " + target,
                     "offered deliveries/s",
                     "delivered deliveries/s",
                     {offered, delivered}});
}

}  // namespace

void run_max(const MaxOptions& options) {
  const MeasuredServer server(options.fanout.server);
  FanoutOptions step = options.fanout;
  boost::json::array steps;
  double best = 0;
  for (std::size_t i = 0; i < options.steps; ++i, step.rate *= options.factor) {
    const double offered = offered_deliveries(step);
    std::cerr << fmt::format("[max] step {}: {:g} msg/s, {:.0f} deliveries/s offered\n", i + 1,
                             step.rate, offered);
    const FanoutRun run = measure_fanout(step, server);
    const bool ok = passed(run, options, offered);
    boost::json::object result = fanout_json(run);
    result["offered_deliveries_per_s"] = offered;
    result["passed"] = ok;
    steps.push_back(std::move(result));
    std::cout << fmt::format(
        "{:>10g} msg/s  {:>10.0f} deliveries/s  p99 {:>8.2f} ms  lost {}  {}\n", step.rate,
        run.deliveries_per_s(), run.fleet.latency.percentile_us(99) / 1000, run.lost(),
        ok ? "pass" : "FAIL");
    if (!ok) break;
    best = std::max(best, run.deliveries_per_s());
  }
  std::cout << fmt::format("highest sustained: {:.0f} deliveries/s\n", best);
  const std::string target(target_name(server.target()));
  const std::string svg = chart(steps, target);
  boost::json::object result{{"scenario", "max"},
                             {"target", target},
                             {"p99_limit_ms", options.p99_limit_ms},
                             {"highest_deliveries_per_s", best},
                             {"steps", std::move(steps)}};
  write_result_and_chart(options.fanout.out, std::move(result), server.description(),
                         "-throughput.svg", svg);
}

}  // namespace herald::bench
