#include "server/fleet_plan.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>
#include <string_view>

namespace herald {
namespace {

// Beyond any audience, and small enough that every count below stays far inside 64 bits and
// exact in a double.
constexpr std::int64_t kMaxDau = 1'000'000'000'000;
constexpr double kMaxHeadroom = 10;
// 1 TiB: a per-connection figure above it is a typo, and two of them cannot overflow a sum.
constexpr std::int64_t kMaxBytesPerConnection = std::int64_t{1} << 40;
constexpr double kMaxGib = 1 << 20;  // 1 PiB of memory on one edge
constexpr double kBytesPerGib = 1 << 30;

std::string show(double value) {
  std::array<char, 32> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), ec == std::errc{} ? end : buffer.data());
}

std::string show(std::int64_t value) {
  return std::to_string(value);
}

// The message names the flag, as the other subcommands' errors do.
void require(bool ok, std::string_view flag, std::string_view expected, const std::string& got) {
  if (ok) return;
  throw std::invalid_argument(std::string(flag) + ": expected " + std::string(expected) + ", got " +
                              got);
}

// Written so that NaN fails every check: each comparison with it is false.
void validate(const FleetInputs& in) {
  require(in.dau >= 1 && in.dau <= kMaxDau, "--dau", "from 1 to 10^12 users", show(in.dau));
  require(in.peak_online > 0 && in.peak_online <= 1, "--peak-online",
          "a fraction above 0 and at most 1", show(in.peak_online));
  require(in.bytes_per_connection >= 1 && in.bytes_per_connection <= kMaxBytesPerConnection,
          "--bytes-per-connection", "from 1 B to 1 TiB", show(in.bytes_per_connection));
  require(in.kernel_bytes_per_connection >= 0 &&
              in.kernel_bytes_per_connection <= kMaxBytesPerConnection,
          "--kernel-bytes-per-connection", "from 0 B to 1 TiB",
          show(in.kernel_bytes_per_connection));
  require(in.memory_per_edge_bytes >= 1, "--memory-per-edge", "a positive size",
          show(in.memory_per_edge_bytes) + " B");
  require(in.connections_per_edge_cap >= 1, "--connections-per-edge-cap", "at least 1",
          show(in.connections_per_edge_cap));
  require(in.headroom >= 1 && in.headroom <= kMaxHeadroom, "--headroom", "a factor from 1 to 10",
          show(in.headroom));
}

// Counts come from decimal inputs that a double holds only approximately (0.07 is a hair above
// it), so a product that is whole in decimal can land just above the integer: 10,000,000 × 0.07
// is 700,000.0000000001. Rounding that up would plan one connection more than asked, and at a
// multiple of the edge size one edge more. 1e-15 of the value is more than the rounding error of
// one product and less than one connection at any allowed size.
std::int64_t ceil_count(double value) {
  return static_cast<std::int64_t>(std::ceil(value - value * 1e-15));
}

std::int64_t ceil_div(std::int64_t numerator, std::int64_t denominator) {
  return (numerator + denominator - 1) / denominator;
}

// How many connections one edge takes, and which limit decides it.
void size_edge(FleetPlan& plan) {
  const FleetInputs& in = plan.inputs;
  plan.memory_per_connection = in.bytes_per_connection + in.kernel_bytes_per_connection;
  plan.per_edge_by_memory = in.memory_per_edge_bytes / plan.memory_per_connection;
  require(plan.per_edge_by_memory >= 1, "--memory-per-edge",
          "room for one connection of " + show(plan.memory_per_connection) + " B",
          show(in.memory_per_edge_bytes) + " B");
  plan.bound =
      plan.per_edge_by_memory < in.connections_per_edge_cap ? EdgeBound::memory : EdgeBound::cap;
  plan.per_edge = std::min(plan.per_edge_by_memory, in.connections_per_edge_cap);
}

}  // namespace

FleetPlan plan_fleet(const FleetInputs& inputs) {
  validate(inputs);
  FleetPlan plan{.inputs = inputs};
  plan.peak = ceil_count(static_cast<double>(inputs.dau) * inputs.peak_online);
  plan.provisioned = ceil_count(static_cast<double>(plan.peak) * inputs.headroom);
  size_edge(plan);
  plan.edges = ceil_div(plan.provisioned, plan.per_edge);
  // The balancer spreads the peak over every edge; per edge at peak ≤ per edge, so this product
  // stays within the memory per edge.
  plan.per_edge_at_peak = ceil_div(plan.peak, plan.edges);
  plan.memory_per_edge_at_peak = plan.per_edge_at_peak * plan.memory_per_connection;
  return plan;
}

std::int64_t bytes_from_gib(double gib) {
  require(gib > 0 && gib <= kMaxGib, "--memory-per-edge", "GiB above 0 and at most 1,048,576",
          show(gib));
  return std::llround(gib * kBytesPerGib);
}

}  // namespace herald
