#include "server/fleet_plan_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <iterator>

namespace herald {
namespace {

constexpr std::int64_t kGib = std::int64_t{1} << 30;

// A fraction or factor as given (0.3, 1.25). One that needs more than four decimals is cut there
// and marked, so that 4/3 reads 1.3333… rather than posing as an exact figure.
std::string decimal(double value) {
  std::string text = fmt::format("{:.4f}", value);
  const bool exact = std::abs(std::strtod(text.c_str(), nullptr) - value) <= 1e-12 * value;
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return exact ? text : text + "…";
}

std::string bytes(std::int64_t count) {
  return with_thousands(count) + " B";
}

// Memory per edge as it was most likely given: whole GiB as GiB, anything else to the byte.
std::string size(std::int64_t count) {
  if (count % kGib == 0) return with_thousands(count / kGib) + " GiB";
  return bytes(count);
}

void append_demand(std::string& out, const FleetPlan& plan) {
  fmt::format_to(std::back_inserter(out), "peak concurrent = DAU × peak online = {} × {} = {}\n",
                 with_thousands(plan.inputs.dau), decimal(plan.inputs.peak_online),
                 with_thousands(plan.peak));
  fmt::format_to(
      std::back_inserter(out), "provisioned = ceil(peak × headroom) = ceil({} × {}) = {}\n",
      with_thousands(plan.peak), decimal(plan.inputs.headroom), with_thousands(plan.provisioned));
}

void append_edge_size(std::string& out, const FleetPlan& plan) {
  const FleetInputs& in = plan.inputs;
  fmt::format_to(std::back_inserter(out),
                 "memory per connection = userspace + kernel = {} + {} = {}\n",
                 bytes(in.bytes_per_connection), bytes(in.kernel_bytes_per_connection),
                 bytes(plan.memory_per_connection));
  fmt::format_to(std::back_inserter(out),
                 "per edge by memory = floor(memory per edge / memory per connection) = "
                 "floor({} / {}) = {}\n",
                 size(in.memory_per_edge_bytes), bytes(plan.memory_per_connection),
                 with_thousands(plan.per_edge_by_memory));
  fmt::format_to(std::back_inserter(out), "per edge by cap = connections per edge cap = {}\n",
                 with_thousands(in.connections_per_edge_cap));
  fmt::format_to(std::back_inserter(out),
                 "per edge = min(by memory, by cap) = min({}, {}) = {} ({})\n",
                 with_thousands(plan.per_edge_by_memory),
                 with_thousands(in.connections_per_edge_cap), with_thousands(plan.per_edge),
                 plan.bound == EdgeBound::memory ? "memory binds" : "the cap binds");
}

void append_fleet(std::string& out, const FleetPlan& plan) {
  fmt::format_to(
      std::back_inserter(out), "edges = ceil(provisioned / per edge) = ceil({} / {}) = {}\n",
      with_thousands(plan.provisioned), with_thousands(plan.per_edge), with_thousands(plan.edges));
  fmt::format_to(
      std::back_inserter(out), "per edge at peak = ceil(peak / edges) = ceil({} / {}) = {}\n",
      with_thousands(plan.peak), with_thousands(plan.edges), with_thousands(plan.per_edge_at_peak));
  const auto at_peak = static_cast<double>(plan.memory_per_edge_at_peak);
  fmt::format_to(std::back_inserter(out),
                 "memory per edge at peak = per edge at peak × memory per connection = {} × {} = "
                 "{} ({:.2f} GiB, {:.0f} % of {})\n",
                 with_thousands(plan.per_edge_at_peak), bytes(plan.memory_per_connection),
                 bytes(plan.memory_per_edge_at_peak), at_peak / kGib,
                 100 * at_peak / static_cast<double>(plan.inputs.memory_per_edge_bytes),
                 size(plan.inputs.memory_per_edge_bytes));
}

}  // namespace

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  const std::size_t first = digits.front() == '-' ? 1 : 0;
  for (std::size_t at = digits.size(); at > first + 3; at -= 3)
    digits.insert(at - 3, 1, ',');
  return digits;
}

std::string plan_text(const FleetPlan& plan) {
  std::string out;
  append_demand(out, plan);
  append_edge_size(out, plan);
  append_fleet(out, plan);
  return out;
}

boost::json::object plan_json(const FleetPlan& plan) {
  const FleetInputs& in = plan.inputs;
  return {
      {"dau", in.dau},
      {"peak_online", in.peak_online},
      {"headroom", in.headroom},
      {"bytes_per_connection", in.bytes_per_connection},
      {"kernel_bytes_per_connection", in.kernel_bytes_per_connection},
      {"memory_per_edge_bytes", in.memory_per_edge_bytes},
      {"connections_per_edge_cap", in.connections_per_edge_cap},
      {"peak_concurrent", plan.peak},
      {"provisioned", plan.provisioned},
      {"memory_per_connection_bytes", plan.memory_per_connection},
      {"per_edge_by_memory", plan.per_edge_by_memory},
      {"per_edge", plan.per_edge},
      {"bound", plan.bound == EdgeBound::memory ? "memory" : "cap"},
      {"edges", plan.edges},
      {"per_edge_at_peak", plan.per_edge_at_peak},
      {"memory_per_edge_at_peak_bytes", plan.memory_per_edge_at_peak},
  };
}

}  // namespace herald
