#include "bench/presence_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <numeric>

#include "bench/presence_rooms.hpp"
#include "bench/svg_chart.hpp"

namespace herald::bench {
namespace {

constexpr std::int64_t kChartWindowMs = 100;

double ratio(double part, double whole) {
  return whole > 0 ? part / whole : 0;
}

std::vector<std::pair<std::string, std::string>> table_rows(const PresenceRun& run) {
  const double naive = static_cast<double>(run.naive_frames());
  const double sessions = static_cast<double>(run.sessions);
  return {
      {"sessions joined", fmt::format("{} / {}", run.joined, run.sessions)},
      {"presence frames received", std::to_string(run.frames)},
      {"  of them count-only", std::to_string(run.count_frames)},
      {"frames per session p50 / max",
       fmt::format("{:.0f} / {:.0f}", run.frames_per_session.percentile(50),
                   run.frames_per_session.max())},
      {"joins announced", std::to_string(run.joins_announced)},
      {"list answers", std::to_string(run.list_frames)},
      {"naive frames (sum of n^2)", fmt::format("{:.0f}", naive)},
      {"frames / naive", fmt::format("{:.4f}", ratio(static_cast<double>(run.frames), naive))},
      {"server presence diffs (metric)", fmt::format("{:.0f}", run.server_presence_diffs)},
      {"sessions knowing all members", fmt::format("{} / {}", run.complete, run.sessions)},
      {"failed or lost connections", std::to_string(run.disconnects)},
      {"server CPU s", fmt::format("{:.2f}", run.server_cpu_s)},
      {"server CPU ms per session",
       fmt::format("{:.3f}", ratio(1000 * run.server_cpu_s, sessions))},
      {"worker CPU s (all workers)", fmt::format("{:.2f}", run.worker_cpu_total_s())},
      {"phase s (joins until settled)", fmt::format("{:.1f}", run.phase_s)},
      {"settled", run.settled ? "yes" : "no (timeout)"},
  };
}

// Running totals of `timeline` in windows from `from_ms`, as chart points in seconds.
std::vector<Point> cumulative(const EventTimeline& timeline, std::int64_t from_ms,
                              std::size_t windows) {
  std::vector<Point> points;
  double total = 0;
  const auto counts = timeline.series(from_ms, kChartWindowMs, windows);
  for (std::size_t w = 0; w < counts.size(); ++w) {
    total += static_cast<double>(counts[w]);
    points.emplace_back(static_cast<double>((w + 1) * kChartWindowMs) / 1000.0, total);
  }
  return points;
}

}  // namespace

std::uint64_t PresenceRun::naive_frames() const {
  return naive_presence_frames(room_sizes);
}

double PresenceRun::worker_cpu_total_s() const {
  return std::accumulate(worker_cpu_s.begin(), worker_cpu_s.end(), 0.0);
}

void print_presence_table(const PresenceRun& run, std::ostream& out) {
  for (const auto& [label, value] : table_rows(run))
    out << fmt::format("{:<34}{:>16}\n", label, value);
}

boost::json::object presence_json(const PresenceRun& run) {
  return {{"sessions", run.sessions},
          {"rooms", run.rooms},
          {"workers", run.workers},
          {"join_window_s", run.join_window_s},
          {"settled", run.settled},
          {"phase_s", run.phase_s},
          {"joined", run.joined},
          {"listed", run.listed},
          {"complete", run.complete},
          {"presence_frames", run.frames},
          {"count_frames", run.count_frames},
          {"list_frames", run.list_frames},
          {"joins_announced", run.joins_announced},
          {"leaves_announced", run.leaves_announced},
          {"disconnects", run.disconnects},
          {"frames_per_session",
           {{"mean", ratio(static_cast<double>(run.frames), static_cast<double>(run.sessions))},
            {"p50", run.frames_per_session.percentile(50)},
            {"max", run.frames_per_session.max()}}},
          {"naive_frames", run.naive_frames()},
          {"frames_over_naive",
           ratio(static_cast<double>(run.frames), static_cast<double>(run.naive_frames()))},
          {"server_presence_diffs", run.server_presence_diffs},
          {"server_cpu_s", run.server_cpu_s},
          {"server_cpu_ms_per_session",
           ratio(1000 * run.server_cpu_s, static_cast<double>(run.sessions))},
          {"worker_cpu_s", boost::json::value_from(run.worker_cpu_s)}};
}

std::string presence_chart(const PresenceRun& run) {
  const std::int64_t end =
      std::max(run.joins.last_ms(run.started_ms), run.frame_times.last_ms(run.started_ms));
  const auto windows = static_cast<std::size_t>((end - run.started_ms) / kChartWindowMs + 2);
  Chart chart{fmt::format("Presence: {} sessions in {} rooms, joins over {:g} s", run.sessions,
                          run.rooms, run.join_window_s),
              "s since the first session started",
              "running total",
              {{"sessions joined", "#1f77b4", cumulative(run.joins, run.started_ms, windows)},
               {"presence frames received", "#d62728",
                cumulative(run.frame_times, run.started_ms, windows)}}};
  return render_svg(chart);
}

}  // namespace herald::bench
