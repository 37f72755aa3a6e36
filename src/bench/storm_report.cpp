#include "bench/storm_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <boost/json.hpp>
#include <functional>

#include "bench/svg_chart.hpp"

namespace herald::bench {
namespace {

constexpr std::size_t kBins = 60;
constexpr std::int64_t kChartWindowMs = kPeakWindowsMs[0];
constexpr std::array<const char*, 4> kColors = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd"};

double per_second(std::size_t events, std::int64_t window_ms) {
  return static_cast<double>(events) * 1000.0 / static_cast<double>(window_ms);
}

const char* color(std::size_t index) {
  return kColors[index % kColors.size()];
}

struct Row {
  std::string label;
  std::function<std::string(const StormPhase&)> cell;
};

std::vector<Row> table_rows() {
  std::vector<Row> rows;
  for (const std::int64_t window : kPeakWindowsMs) {
    rows.push_back(
        {fmt::format("peak attempts/s ({} ms window)", window),
         [window](const StormPhase& p) { return fmt::format("{:.0f}", p.peak_rate(window)); }});
  }
  for (const std::int64_t window : kPeakWindowsMs) {
    rows.push_back(
        {fmt::format("  as scheduled ({} ms window)", window), [window](const StormPhase& p) {
           return fmt::format("{:.0f}", p.scheduled_peak_rate(window));
         }});
  }
  for (const double pct : {50.0, 90.0, 99.0, 100.0}) {
    rows.push_back(
        {pct == 100 ? std::string("max reconnect ms") : fmt::format("p{:g} reconnect ms", pct),
         [pct](const StormPhase& p) {
           return fmt::format("{:.0f}", p.reconnect_ms.percentile(pct));
         }});
  }
  rows.push_back({"failed attempts", [](const StormPhase& p) { return std::to_string(p.failed); }});
  rows.push_back({"rejected (upgrade declined)",
                  [](const StormPhase& p) { return std::to_string(p.rejected); }});
  rows.push_back({"max failed per client", [](const StormPhase& p) {
                    return fmt::format("{:.0f}", p.failed_per_reconnect.max());
                  }});
  rows.push_back({"reconnects late p99 / max ms", [](const StormPhase& p) {
                    return fmt::format("{:.1f} / {:.0f}", p.wake_late_p99_ms, p.wake_late_max_ms);
                  }});
  rows.push_back({"tool CPU per worker %", [](const StormPhase& p) {
                    return fmt::format("{:.0f}", fmt::join(p.tool_cpu_percent, "/"));
                  }});
  rows.push_back({"server ready after ms",
                  [](const StormPhase& p) { return fmt::format("{:.0f}", p.restart_ms); }});
  rows.push_back({"all back after ms",
                  [](const StormPhase& p) { return std::to_string(p.all_back_after_ms()); }});
  rows.push_back({"all reconnected", [](const StormPhase& p) {
                    return p.all_reconnected()
                               ? std::string("yes")
                               : fmt::format("no ({} not)", p.not_reconnected + p.never_connected);
                  }});
  return rows;
}

boost::json::object phase_json(const StormPhase& p) {
  boost::json::object peaks;
  boost::json::object scheduled_peaks;
  for (const std::int64_t window : kPeakWindowsMs) {
    peaks[std::to_string(window)] = p.peak_rate(window);
    scheduled_peaks[std::to_string(window)] = p.scheduled_peak_rate(window);
  }
  const auto span = p.attempts.last_ms(p.disrupted_ms) - p.disrupted_ms;
  const auto windows =
      static_cast<std::size_t>(std::max<std::int64_t>(span, 0) / kChartWindowMs + 1);
  return {{"name", p.name},
          {"backoff_ms",
           {{"base", p.backoff.base.count()},
            {"jitter", p.backoff.jitter.count()},
            {"cap", p.backoff.cap.count()}}},
          {"clients", p.clients},
          {"peak_attempts_per_s", std::move(peaks)},
          {"peak_scheduled_attempts_per_s", std::move(scheduled_peaks)},
          {"attempts", p.attempts.total()},
          {"reconnect_ms",
           {{"count", p.reconnect_ms.count()},
            {"p50", p.reconnect_ms.percentile(50)},
            {"p90", p.reconnect_ms.percentile(90)},
            {"p99", p.reconnect_ms.percentile(99)},
            {"max", p.reconnect_ms.max()}}},
          {"failed_attempts", p.failed},
          {"rejected_attempts", p.rejected},
          {"failure_reasons", boost::json::value_from(p.failure_reasons)},
          {"max_failed_per_client", p.failed_per_reconnect.max()},
          {"not_reconnected", p.not_reconnected},
          {"never_connected", p.never_connected},
          {"all_reconnected", p.all_reconnected()},
          {"server_ready_after_ms", p.restart_ms},
          {"all_back_after_ms", p.all_back_after_ms()},
          {"reconnects_late_ms", {{"p99", p.wake_late_p99_ms}, {"max", p.wake_late_max_ms}}},
          {"tool_cpu_percent_per_worker", boost::json::value_from(p.tool_cpu_percent)},
          {"attempts_per_10ms_from_disruption",
           boost::json::value_from(p.attempts.series(p.disrupted_ms, kChartWindowMs, windows))}};
}

}  // namespace

double StormPhase::peak_rate(std::int64_t window_ms) const {
  return per_second(attempts.peak(window_ms), window_ms);
}

double StormPhase::scheduled_peak_rate(std::int64_t window_ms) const {
  return per_second(scheduled.peak(window_ms), window_ms);
}

void print_storm_table(const std::vector<StormPhase>& phases, std::ostream& out) {
  std::string line = fmt::format("{:<32}", "");
  for (const StormPhase& phase : phases)
    line += fmt::format("{:>14}", phase.name);
  out << line << '\n';
  for (const Row& row : table_rows()) {
    line = fmt::format("{:<32}", row.label);
    for (const StormPhase& phase : phases)
      line += fmt::format("{:>14}", row.cell(phase));
    out << line << '\n';
  }
  for (const StormPhase& phase : phases) {
    for (const auto& [reason, count] : phase.failure_reasons)
      out << phase.name << ": " << count << " x " << reason << '\n';
  }
}

boost::json::object storm_json(const std::vector<StormPhase>& phases) {
  boost::json::array list;
  for (const StormPhase& phase : phases)
    list.push_back(phase_json(phase));
  return {{"phases", std::move(list)}};
}

std::string reconnect_chart(const std::vector<StormPhase>& phases) {
  double upper = 0;
  for (const StormPhase& phase : phases)
    upper = std::max(upper, phase.reconnect_ms.max());
  upper = round_up(upper);
  const double width = upper / kBins;
  Chart chart{"Reconnect time after the edge went away",
              "ms from losing the connection to connected again",
              fmt::format("clients per {:g} ms", width),
              {}};
  for (std::size_t i = 0; i < phases.size(); ++i) {
    chart.series.push_back(
        {phases[i].name, color(i), step_points(phases[i].reconnect_ms.bins(upper, kBins), width)});
  }
  return render_svg(chart);
}

std::string attempts_chart(const std::vector<StormPhase>& phases) {
  std::int64_t span = 0;
  for (const StormPhase& phase : phases)
    span = std::max(span, phase.attempts.last_ms(phase.disrupted_ms) - phase.disrupted_ms);
  const auto windows = static_cast<std::size_t>(span / kChartWindowMs + 2);
  Chart chart{"Connection attempts after the edge went away",
              "ms since the disruption",
              fmt::format("attempts per second ({} ms windows)", kChartWindowMs),
              {}};
  constexpr double kPerSecond = 1000.0 / kChartWindowMs;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    std::vector<Point> points;
    const auto counts = phases[i].attempts.series(phases[i].disrupted_ms, kChartWindowMs, windows);
    for (std::size_t w = 0; w < counts.size(); ++w) {
      points.emplace_back(static_cast<double>(w) * kChartWindowMs,
                          static_cast<double>(counts[w]) * kPerSecond);
    }
    chart.series.push_back({phases[i].name, color(i), std::move(points)});
  }
  return render_svg(chart);
}

}  // namespace herald::bench
