#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "commands.hpp"
#include "server/fleet_plan.hpp"
#include "server/fleet_plan_report.hpp"

namespace herald::tools {
namespace {

struct PlanOptions {
  FleetInputs inputs;
  double memory_per_edge_gib = 16;
  bool json = false;
};

void run_plan(const PlanOptions& options) {
  FleetPlan plan;
  try {
    FleetInputs inputs = options.inputs;
    inputs.memory_per_edge_bytes = bytes_from_gib(options.memory_per_edge_gib);
    plan = plan_fleet(inputs);
  } catch (const std::invalid_argument& e) {
    // A parse error to CLI11, so that a bad input exits as a bad flag does in every subcommand.
    throw CLI::ValidationError(e.what());
  }
  if (options.json) {
    std::cout << boost::json::serialize(plan_json(plan)) << '\n';
  } else {
    std::cout << plan_text(plan);
  }
}

void add_demand_options(CLI::App& plan, FleetInputs& inputs) {
  plan.add_option("--dau", inputs.dau, "Daily active users")->required();
  plan.add_option("--peak-online", inputs.peak_online,
                  "Fraction of them connected at the busiest moment: above 0, at most 1")
      ->required();
  plan.add_option("--headroom", inputs.headroom,
                  "Provisioned / peak, for spikes and an edge out for a deploy; from 1 to 10 "
                  "(default 4/3: a 3M peak is provisioned for 4M)");
}

void add_cost_options(CLI::App& plan, PlanOptions& options) {
  FleetInputs& inputs = options.inputs;
  plan.add_option("--bytes-per-connection", inputs.bytes_per_connection,
                  "Userspace memory per idle connection (herald bench idle measured 1,597)")
      ->capture_default_str();
  plan.add_option("--kernel-bytes-per-connection", inputs.kernel_bytes_per_connection,
                  "Kernel memory per connection: the socket's own objects, about 3.7 KB, rounded "
                  "up to a page; buffers of sockets with data queued come on top")
      ->capture_default_str();
  plan.add_option("--memory-per-edge", options.memory_per_edge_gib,
                  "GiB of one edge's memory available for connections")
      ->capture_default_str();
  plan.add_option("--connections-per-edge-cap", inputs.connections_per_edge_cap,
                  "Connections one edge may hold whatever its memory (file descriptors: under "
                  "Linux's default fs.nr_open of 1,048,576)")
      ->capture_default_str();
}

}  // namespace

void add_plan_command(CLI::App& app) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* plan = app.add_subcommand(
      "plan", "Size a fleet: edges needed for a number of users, by memory and file descriptors");
  add_demand_options(*plan, options->inputs);
  add_cost_options(*plan, *options);
  plan->add_flag("--json", options->json, "Print the figures as one JSON object");
  plan->callback([options] { run_plan(*options); });
}

}  // namespace herald::tools
