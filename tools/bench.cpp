#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

#include "bench/presence_worker.hpp"
#include "bench/scenario_presence.hpp"
#include "bench/scenario_storm.hpp"
#include "bench/storm_worker.hpp"
#include "commands.hpp"

namespace herald::tools {
namespace {

// A count, rate or duration a scenario cannot run with at zero, its default shown in --help.
template <class T>
void add_positive(CLI::App& scenario, const std::string& name, T& value, const std::string& help) {
  scenario.add_option(name, value, help)->check(CLI::PositiveNumber)->capture_default_str();
}

void add_storm(CLI::App& bench) {
  auto options = std::make_shared<bench::StormOptions>();
  CLI::App* storm = bench.add_subcommand(
      "storm", "Reconnect storm: connect a fleet, take the edge away, measure the way back");
  add_positive(*storm, "--connections", options->connections, "Client connections");
  add_positive(*storm, "--workers", options->workers, "Client processes they are spread over");
  add_positive(*storm, "--rooms", options->rooms, "Rooms the clients join, one each");
  add_positive(*storm, "--open-rate", options->open_rate, "Connections opened per second at first");
  const std::map<std::string, bench::Disruption> disruptions = {
      {"kill", bench::Disruption::kill}, {"drain", bench::Disruption::drain}};
  storm->add_option("--disrupt", options->disrupt, "kill: SIGKILL and restart; drain: SIGTERM")
      ->transform(CLI::CheckedTransformer(disruptions))
      ->capture_default_str();
  storm->add_option("--server-arg", options->server_args,
                    "Flag for every herald serve, repeatable: --server-arg=--threads=2");
  add_positive(*storm, "--phase-timeout", options->phase_timeout,
               "Seconds allowed to connect everyone, and again to reconnect them");
  storm->add_option("--out", options->out, "JSON result; the SVG charts are written beside it")
      ->capture_default_str();
  storm->callback([options] { bench::run_storm(*options); });
}

void add_presence(CLI::App& bench) {
  auto options = std::make_shared<bench::PresenceBenchOptions>();
  CLI::App* presence = bench.add_subcommand(
      "presence", "Presence fan-out: many users join rooms at once; frames and CPU it costs");
  add_positive(*presence, "--sessions", options->sessions, "Sessions, each its own user");
  add_positive(*presence, "--workers", options->workers, "Client processes they are spread over");
  add_positive(*presence, "--rooms", options->rooms, "Rooms the sessions join, one each");
  add_positive(*presence, "--join-window", options->join_window,
               "Seconds the joins are spread over");
  add_positive(*presence, "--settle", options->settle,
               "Milliseconds without a presence frame after which presence has settled");
  presence
      ->add_option("--server-arg", options->server_args,
                   "Flag for herald serve, repeatable; given ones replace the default")
      ->capture_default_str();
  add_positive(*presence, "--timeout", options->timeout,
               "Seconds allowed for joining and settling");
  presence->add_option("--out", options->out, "JSON result; the SVG chart is written beside it")
      ->capture_default_str();
  presence->callback([options] { bench::run_presence(*options); });
}

// The bench starts copies of itself as `herald bench-worker SCENARIO JSON`.
void add_worker(CLI::App& app) {
  auto scenario = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  CLI::App* worker = app.add_subcommand("bench-worker", "A worker process of herald bench");
  worker->group("");  // hidden: only the bench starts it
  worker->add_option("scenario", *scenario)
      ->required()
      ->check(CLI::IsMember({"storm", "presence"}));
  worker->add_option("config", *config, "JSON")->required();
  worker->callback([scenario, config] {
    const boost::json::value options = boost::json::parse(*config);
    if (*scenario == "presence") {
      return bench::run_presence_worker(
          boost::json::value_to<bench::PresenceWorkerOptions>(options));
    }
    bench::run_storm_worker(boost::json::value_to<bench::StormWorkerOptions>(options));
  });
}

}  // namespace

void add_bench_command(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "Load scenarios against a herald serve it starts");
  bench->require_subcommand(1);
  add_storm(*bench);
  add_presence(*bench);
  add_worker(app);
}

}  // namespace herald::tools
