#include "bench/publisher_run.hpp"

#include <boost/json.hpp>
#include <iostream>
#include <optional>
#include <stdexcept>

#include "bench/progress.hpp"
#include "bench/worker_pool.hpp"

namespace herald::bench {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr milliseconds kPoll{50};
constexpr milliseconds kExitGrace{5000};

PublisherResult from_json(const json::object& body) {
  PublisherResult out{.published = body.at("published").to_number<std::uint64_t>(),
                      .acked = body.at("acked").to_number<std::uint64_t>(),
                      .errors = body.at("errors").to_number<std::uint64_t>(),
                      .elapsed_s = body.at("elapsed_s").to_number<double>(),
                      .cpu_s = body.at("publisher_cpu_ms").to_number<double>() / 1000,
                      .ack_latency = LatencyHistogram::from_json(body.at("ack_latency"))};
  for (const json::value& acked : body.at("acked_per_room").as_array())
    out.acked_per_room.push_back(acked.to_number<std::uint64_t>());
  return out;
}

}  // namespace

PublisherResult run_publisher(const PublisherWorkerOptions& options, const std::string& label,
                              const std::function<void()>& between_polls) {
  WorkerPool pool({{"bench-worker", "publisher", json::serialize(json::value_from(options))}});
  Progress progress(label, 1, std::cerr);
  std::optional<json::object> result;
  while (!result && !pool.all_done()) {
    for (WorkerMessage& message : pool.poll(kPoll)) {
      if (message.body.at("type").as_string() == "result") {
        result = std::move(message.body);
      } else {
        progress.update(0, message.body);
      }
    }
    progress.print_if_due();
    if (between_polls) between_polls();
  }
  progress.print();
  pool.reap(kExitGrace);
  if (!result) throw std::runtime_error(label + ": the publisher ended without a result");
  return from_json(*result);
}

}  // namespace herald::bench
