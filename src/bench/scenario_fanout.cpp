#include "bench/scenario_fanout.hpp"

#include <iostream>
#include <stdexcept>

#include "bench/process_cpu.hpp"
#include "bench/publisher_run.hpp"
#include "bench/report.hpp"
#include "bench/run_id.hpp"
#include "bench/subscriber_worker.hpp"

namespace herald::bench {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPoll{50};
// Delivery has drained once nothing arrived for this long (or everything did).
constexpr milliseconds kDrainQuiet{2000};
constexpr milliseconds kDrainLimit{20'000};
// The publisher stops by itself; past its duration it has this long to get its answers.
constexpr std::chrono::seconds kPublishGrace{60};

PublisherWorkerOptions publisher_options(const FanoutOptions& options, const MeasuredServer& server,
                                         const std::string& prefix) {
  return {.target = std::string(target_name(server.target())),
          .server_ip = server.ip(),
          .port = server.port(),
          .api_key = server.api_key(),
          .room_prefix = prefix,
          .rooms = options.rooms,
          .rate = options.rate,
          .duration_s = static_cast<double>(options.duration.count()),
          .payload_bytes = options.payload_bytes,
          .connections = options.publish_connections,
          .deadline_ms = milliseconds(options.duration + kPublishGrace).count()};
}

// Runs the publisher to its end while the subscribers report; records what it says.
void publish(const FanoutOptions& options, const MeasuredServer& server, const std::string& prefix,
             SubscriberFleet& fleet, FanoutRun& run) {
  const PublisherResult result =
      run_publisher(publisher_options(options, server, prefix), "publish " + run.target,
                    [&fleet] { fleet.poll(kPoll); });
  run.published = result.published;
  run.acked = result.acked;
  run.publish_errors = result.errors;
  run.publish_s = result.elapsed_s;
  run.publisher_cpu_s = result.cpu_s;
  run.ack_latency = result.ack_latency;
  for (std::size_t room = 0; room < result.acked_per_room.size(); ++room) {
    run.expected +=
        result.acked_per_room[room] * room_members(room, options.subscribers, options.rooms);
  }
}

// Until every expected delivery arrived, or none did for a while.
void drain(SubscriberFleet& fleet, std::uint64_t expected) {
  const auto limit = Clock::now() + kDrainLimit;
  auto last_change = Clock::now();
  std::uint64_t seen = fleet.total("delivered");
  while (seen < expected && Clock::now() - last_change < kDrainQuiet && Clock::now() < limit) {
    fleet.poll(kPoll);
    if (const std::uint64_t now = fleet.total("delivered"); now != seen) {
      seen = now;
      last_change = Clock::now();
    }
  }
}

}  // namespace

FanoutRun measure_fanout(const FanoutOptions& options, const MeasuredServer& server) {
  if (options.subscribers == 0 || options.rooms == 0 || options.workers == 0 || options.rate <= 0) {
    throw std::invalid_argument("subscribers, rooms, workers and rate must be positive");
  }
  FanoutRun run{.target = std::string(target_name(server.target())),
                .subscribers = options.subscribers,
                .rooms = options.rooms,
                .rate = options.rate,
                .payload_bytes = options.payload_bytes};
  const std::string prefix = new_run_id();
  SubscriberFleet fleet(server, {.subscribers = options.subscribers,
                                 .rooms = options.rooms,
                                 .workers = options.workers,
                                 .open_rate = options.open_rate,
                                 .room_prefix = prefix,
                                 .label = "subscribers " + run.target,
                                 .timeout = options.timeout});
  run.all_subscribed = fleet.wait_subscribed();
  const double server_cpu = process_cpu_seconds(server.pid()).value_or(0);
  const double tool_cpu = fleet.cpu_seconds();
  const auto started = Clock::now();
  publish(options, server, prefix, fleet, run);
  drain(fleet, run.expected);
  run.window_s = std::chrono::duration<double>(Clock::now() - started).count();
  run.server_cpu_s = process_cpu_seconds(server.pid()).value_or(0) - server_cpu;
  run.tool_cpu_s = fleet.cpu_seconds() - tool_cpu;
  run.fleet = fleet.finish();
  return run;
}

void run_fanout(const FanoutOptions& options) {
  const MeasuredServer server(options.server);
  const FanoutRun run = measure_fanout(options, server);
  print_fanout_table(run, std::cout);
  write_result(options.out, fanout_json(run), server.description());
  write_text_file(beside(options.out, "-latency.svg"), fanout_chart(run));
  write_text_file(beside(options.out, "-timeline.svg"), fanout_timeline_chart(run));
  std::cout << "wrote " << options.out.string() << " and its two charts beside it\n";
}

}  // namespace herald::bench
