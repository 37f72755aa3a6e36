#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

#include "bench/presence_worker.hpp"
#include "bench/publisher_worker.hpp"
#include "bench/scenario_fanout.hpp"
#include "bench/scenario_floor.hpp"
#include "bench/scenario_idle.hpp"
#include "bench/scenario_max.hpp"
#include "bench/scenario_presence.hpp"
#include "bench/scenario_publish.hpp"
#include "bench/scenario_storm.hpp"
#include "bench/storm_worker.hpp"
#include "bench/subscriber_worker.hpp"
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

// Which server a scenario measures: its own herald serve by default, or one already running.
void add_server_choice(CLI::App& scenario, bench::ServerChoice& choice) {
  const std::map<std::string, bench::Target> targets = {{"herald", bench::Target::herald},
                                                        {"nchan", bench::Target::nchan}};
  scenario.add_option("--target", choice.target, "The protocol spoken: herald or nchan")
      ->transform(CLI::CheckedTransformer(targets))
      ->capture_default_str();
  scenario.add_option("--server", choice.address,
                      "IPV4:PORT of a running server to measure instead of starting herald serve");
  scenario.add_option("--server-pid", choice.pid,
                      "With --server: the process serving the connections (nginx's worker)");
  scenario
      .add_option("--server-arg", choice.server_args,
                  "Flag for the herald serve the bench starts, repeatable")
      ->capture_default_str();
  scenario.add_option("--api-key", choice.api_key, "Herald's server API key, for publishing")
      ->capture_default_str();
}

void add_idle(CLI::App& bench) {
  auto options = std::make_shared<bench::IdleOptions>();
  options->server.server_args = {"--admission-rate=0"};
  CLI::App* idle = bench.add_subcommand(
      "idle", "Idle memory: connections joined to rooms; server RSS and kernel memory per one");
  add_server_choice(*idle, options->server);
  add_positive(*idle, "--connections", options->connections, "WebSocket connections");
  add_positive(*idle, "--rooms", options->rooms, "Rooms they join, one each");
  add_positive(*idle, "--workers", options->workers, "Client processes they are spread over");
  add_positive(*idle, "--open-rate", options->open_rate, "Connections opened per second");
  add_positive(*idle, "--settle", options->settle, "Seconds after the last join, before measuring");
  add_positive(*idle, "--timeout", options->timeout, "Seconds allowed for every join");
  idle->add_option("--out", options->out, "JSON result; the SVG chart is written beside it")
      ->capture_default_str();
  idle->callback([options] { bench::run_idle(*options); });
}

void add_fanout_options(CLI::App& scenario, bench::FanoutOptions& options) {
  add_server_choice(scenario, options.server);
  add_positive(scenario, "--subscribers", options.subscribers, "WebSocket subscribers");
  add_positive(scenario, "--rooms", options.rooms, "Rooms they join, one each");
  add_positive(scenario, "--workers", options.workers, "Client processes they are spread over");
  add_positive(scenario, "--rate", options.rate, "Messages published per second, all rooms");
  add_positive(scenario, "--duration", options.duration, "Seconds of publishing");
  add_positive(scenario, "--payload", options.payload_bytes, "Bytes of each message's data");
  add_positive(scenario, "--publish-connections", options.publish_connections,
               "HTTP connections of the publisher");
  add_positive(scenario, "--open-rate", options.open_rate, "Connections opened per second");
  add_positive(scenario, "--timeout", options.timeout, "Seconds allowed for every join");
  scenario.add_option("--out", options.out, "JSON result; the SVG chart is written beside it")
      ->capture_default_str();
}

void add_fanout(CLI::App& bench) {
  auto options = std::make_shared<bench::FanoutOptions>();
  options->server.server_args = {"--admission-rate=0"};
  CLI::App* fanout = bench.add_subcommand(
      "fanout", "Fan-out: subscribers in rooms, a publisher at a fixed rate; loss, latency, CPU");
  add_fanout_options(*fanout, *options);
  fanout->callback([options] { bench::run_fanout(*options); });
}

void add_max(CLI::App& bench) {
  auto options = std::make_shared<bench::MaxOptions>();
  options->fanout.server.server_args = {"--admission-rate=0"};
  options->fanout.duration = std::chrono::seconds(10);
  options->fanout.out = "bench/results/max.json";
  CLI::App* max = bench.add_subcommand(
      "max", "Fan-out at a rising rate: the highest deliveries/s without loss and within p99");
  add_fanout_options(*max, options->fanout);
  add_positive(*max, "--factor", options->factor, "Each step's rate over the one before");
  add_positive(*max, "--steps", options->steps, "Steps at the most");
  add_positive(*max, "--p99-limit", options->p99_limit_ms,
               "Milliseconds a step's p99 must stay under");
  max->callback([options] { bench::run_max(*options); });
}

void add_publish(CLI::App& bench) {
  auto options = std::make_shared<bench::PublishOptions>();
  options->server.server_args = {"--admission-rate=0"};
  CLI::App* publish = bench.add_subcommand(
      "publish", "Durable publishes: as many as acknowledged, each after its commit; ack latency");
  add_server_choice(*publish, options->server);
  add_positive(*publish, "--connections", options->connections,
               "HTTP connections, one request in flight on each");
  add_positive(*publish, "--batch", options->batch,
               "Messages per request: a Herald batch; 1 for Nchan, which takes one at a time");
  add_positive(*publish, "--rooms", options->rooms, "Rooms published into");
  add_positive(*publish, "--duration", options->duration, "Seconds of publishing");
  add_positive(*publish, "--payload", options->payload_bytes, "Bytes of each message's data");
  publish->add_option("--out", options->out, "JSON result; the SVG chart is written beside it")
      ->capture_default_str();
  publish->callback([options] { bench::run_publish(*options); });
}

void add_floor(CLI::App& bench) {
  auto options = std::make_shared<bench::FloorOptions>();
  CLI::App* floor = bench.add_subcommand(
      "floor",
      "The machine's floors: a bare writer's CPU per single-frame write, no server; the disk's "
      "sync of one page");
  add_positive(*floor, "--connections", options->connections, "Loopback TCP connections");
  add_positive(*floor, "--rate", options->rate, "Writes per second, over all connections");
  add_positive(*floor, "--duration", options->duration, "Seconds of writing");
  floor->add_option("--frame-bytes", options->frame_bytes, "Bytes of each frame, header included")
      ->check(CLI::Range(4, 65535))
      ->capture_default_str();
  floor->add_option("--writer-cpu", options->writer_cpu, "CPU to pin the writer to; -1: none")
      ->capture_default_str();
  floor->add_option("--sync-dir", options->sync_dir,
                    "Directory on the disk whose fdatasync is timed; default: the temp directory");
  add_positive(*floor, "--syncs", options->syncs, "Page writes synced");
  add_positive(*floor, "--sync-rate", options->sync_rate, "Syncs a second, on a schedule");
  floor->add_option("--out", options->out, "JSON result")->capture_default_str();
  floor->callback([options] { bench::run_floor(*options); });
}

// The bench starts copies of itself as `herald bench-worker SCENARIO JSON`.
void add_worker(CLI::App& app) {
  auto scenario = std::make_shared<std::string>();
  auto config = std::make_shared<std::string>();
  CLI::App* worker = app.add_subcommand("bench-worker", "A worker process of herald bench");
  worker->group("");  // hidden: only the bench starts it
  worker->add_option("scenario", *scenario)
      ->required()
      ->check(CLI::IsMember({"storm", "presence", "subscribers", "publisher"}));
  worker->add_option("config", *config, "JSON")->required();
  worker->callback([scenario, config] {
    const boost::json::value options = boost::json::parse(*config);
    if (*scenario == "subscribers") {
      return bench::run_subscriber_worker(
          boost::json::value_to<bench::SubscriberWorkerOptions>(options));
    }
    if (*scenario == "publisher") {
      return bench::run_publisher_worker(
          boost::json::value_to<bench::PublisherWorkerOptions>(options));
    }
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
  add_idle(*bench);
  add_fanout(*bench);
  add_max(*bench);
  add_publish(*bench);
  add_floor(*bench);
  add_worker(app);
}

}  // namespace herald::tools
