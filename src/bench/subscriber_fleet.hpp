#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench/latency_histogram.hpp"
#include "bench/latency_timeline.hpp"
#include "bench/measured_server.hpp"
#include "bench/progress.hpp"
#include "bench/worker_pool.hpp"

namespace herald::bench {

struct FleetOptions {
  std::size_t subscribers = 0;
  std::size_t rooms = 1;
  std::size_t workers = 2;
  double open_rate = 5000;  // connections opened per second, all workers together
  std::string room_prefix;
  std::string label;                  // of the progress lines
  std::chrono::seconds timeout{120};  // for everyone to subscribe
};

// What the fleet's subscribers saw, all workers together.
struct FleetResult {
  std::uint64_t upgraded = 0;
  std::uint64_t subscribed = 0;
  std::uint64_t delivered = 0;  // unique messages
  std::uint64_t duplicates = 0;
  std::uint64_t out_of_order = 0;
  std::uint64_t closed = 0;
  std::map<std::string, std::uint64_t> close_reasons;
  LatencyHistogram latency;
  LatencyTimeline timeline;

  // close_reasons as a JSON object.
  boost::json::object close_reasons_json() const;
};

// The subscribers of a scenario: worker processes of this executable (run_subscriber_worker),
// spread so that none nears the open-file limit or runs out of source ports.
class SubscriberFleet {
 public:
  SubscriberFleet(const MeasuredServer& server, const FleetOptions& options);

  // Waits, showing progress, until every subscriber is subscribed; false at the timeout or
  // when the workers died. `sample` runs after every poll.
  bool wait_subscribed(const std::function<void()>& sample = {});
  // Takes and shows the workers' progress for up to `timeout`.
  void poll(std::chrono::milliseconds timeout);
  std::uint64_t total(std::string_view counter) const { return progress_.total(counter); }
  // CPU seconds the workers have used so far, all together.
  double cpu_seconds() const;
  // Asks the workers to stop and merges their results. Throws std::runtime_error if one ends
  // without a result.
  FleetResult finish();

 private:
  void handle(const WorkerMessage& message);

  FleetOptions options_;
  WorkerPool pool_;
  Progress progress_;
  FleetResult result_;
  std::size_t results_ = 0;
};

}  // namespace herald::bench
