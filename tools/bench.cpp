#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

#include "bench/scenario_storm.hpp"
#include "bench/storm_worker.hpp"
#include "commands.hpp"

namespace herald::tools {
namespace {

void add_storm(CLI::App& bench) {
  auto options = std::make_shared<bench::StormOptions>();
  CLI::App* storm = bench.add_subcommand(
      "storm", "Reconnect storm: connect a fleet, take the edge away, measure the way back");
  storm->add_option("--connections", options->connections, "Client connections")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  storm->add_option("--workers", options->workers, "Client processes they are spread over")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  storm->add_option("--rooms", options->rooms, "Rooms the clients join, one each")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  storm->add_option("--open-rate", options->open_rate, "Connections opened per second at first")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  const std::map<std::string, bench::Disruption> disruptions = {
      {"kill", bench::Disruption::kill}, {"drain", bench::Disruption::drain}};
  storm->add_option("--disrupt", options->disrupt, "kill: SIGKILL and restart; drain: SIGTERM")
      ->transform(CLI::CheckedTransformer(disruptions))
      ->capture_default_str();
  storm->add_option("--server-arg", options->server_args,
                    "Flag for every herald serve, repeatable: --server-arg=--threads=2");
  storm
      ->add_option("--phase-timeout", options->phase_timeout,
                   "Seconds allowed to connect everyone, and again to reconnect them")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  storm->add_option("--out", options->out, "JSON result; the SVG charts are written beside it")
      ->capture_default_str();
  storm->callback([options] { bench::run_storm(*options); });
}

// The bench starts copies of itself as `herald bench-worker SCENARIO JSON`.
void add_worker(CLI::App& app) {
  auto scenario = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  CLI::App* worker = app.add_subcommand("bench-worker", "A worker process of herald bench");
  worker->group("");  // hidden: only the bench starts it
  worker->add_option("scenario", *scenario)->required()->check(CLI::IsMember({"storm"}));
  worker->add_option("config", *config, "JSON")->required();
  worker->callback([scenario, config] {
    const boost::json::value options = boost::json::parse(*config);
    bench::run_storm_worker(boost::json::value_to<bench::StormWorkerOptions>(options));
  });
}

}  // namespace

void add_bench_command(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "Load scenarios against a herald serve it starts");
  bench->require_subcommand(1);
  add_storm(*bench);
  add_worker(app);
}

}  // namespace herald::tools
