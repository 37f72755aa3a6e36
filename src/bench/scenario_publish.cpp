#include "bench/scenario_publish.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <iostream>
#include <stdexcept>

#include "bench/process_cpu.hpp"
#include "bench/publisher_run.hpp"
#include "bench/report.hpp"
#include "bench/run_id.hpp"
#include "bench/svg_chart.hpp"

namespace herald::bench {
namespace {

constexpr std::chrono::seconds kGrace{60};

double ms(double us) {
  return us / 1000.0;
}

std::string chart(const LatencyHistogram& latency, const std::string& target) {
  std::vector<Point> points;
  for (const auto& [us, percent] : latency.cdf())
    points.emplace_back(ms(us), percent);
  return render_svg({"Acknowledged publishes, " + target,
                     "acknowledgement latency (ms)",
                     "% of publishes within",
                     {{"publishes", "#1f77b4", std::move(points)}}});
}

}  // namespace

void run_publish(const PublishOptions& options) {
  if (options.server.target == Target::nchan && options.batch > 1) {
    throw std::invalid_argument("Nchan publishes one message per request: pass --batch 1");
  }
  const MeasuredServer server(options.server);
  const std::string target(target_name(server.target()));
  const PublisherWorkerOptions publisher{
      .target = target,
      .server_ip = server.ip(),
      .port = server.port(),
      .api_key = server.api_key(),
      .room_prefix = new_run_id(),
      .rooms = options.rooms,
      .rate = 0,
      .duration_s = static_cast<double>(options.duration.count()),
      .payload_bytes = options.payload_bytes,
      .connections = options.connections,
      .batch = options.batch,
      .deadline_ms = std::chrono::milliseconds(options.duration + kGrace).count()};
  const double cpu_before = process_cpu_seconds(server.pid()).value_or(0);
  const PublisherResult result = run_publisher(publisher, "publish " + target, {});
  const double server_cpu = process_cpu_seconds(server.pid()).value_or(0) - cpu_before;
  const double per_s =
      result.elapsed_s > 0 ? static_cast<double>(result.acked) / result.elapsed_s : 0;
  const LatencyHistogram& l = result.ack_latency;
  std::cout << fmt::format(
      "target {}\nacknowledged {}  errors {}  in {:.1f} s\nacknowledged publishes/s {:.0f}\n"
      "ack latency ms p50 / p99 / max {:.2f} / {:.2f} / {:.2f}\nserver CPU s {:.2f}  "
      "publisher CPU s {:.2f}\n",
      target, result.acked, result.errors, result.elapsed_s, per_s, ms(l.percentile_us(50)),
      ms(l.percentile_us(99)), ms(l.max_us()), server_cpu, result.cpu_s);
  boost::json::object json{{"scenario", "publish"},
                           {"target", target},
                           {"connections", options.connections},
                           {"rooms", options.rooms},
                           {"batch", options.batch},
                           {"acked", result.acked},
                           {"errors", result.errors},
                           {"elapsed_s", result.elapsed_s},
                           {"acked_per_s", per_s},
                           {"ack_latency_ms", l.percentiles_ms()},
                           {"server_cpu_s", server_cpu},
                           {"publisher_cpu_s", result.cpu_s}};
  write_result_and_chart(options.out, std::move(json), server.description(), "-latency.svg",
                         chart(l, target));
}

}  // namespace herald::bench
