#include "bench/subscriber_fleet.hpp"

#include <boost/json.hpp>
#include <iostream>

#include "bench/phase_pump.hpp"
#include "bench/process_cpu.hpp"
#include "bench/subscriber_worker.hpp"
#include "bench/worker_share.hpp"

namespace herald::bench {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr milliseconds kReportGrace{10'000};
// Workers stop by themselves this long after the timeout, should the bench not ask them to.
constexpr std::chrono::seconds kWorkerLifetime{900};

std::vector<std::vector<std::string>> worker_arguments(const MeasuredServer& server,
                                                       const FleetOptions& options) {
  std::vector<std::vector<std::string>> out;
  const double rate = options.open_rate / static_cast<double>(options.workers);
  for (const WorkerShare& share : share_load(options.subscribers, options.workers)) {
    const SubscriberWorkerOptions worker{
        .target = std::string(target_name(server.target())),
        .server_ip = server.ip(),
        .port = server.port(),
        .room_prefix = options.room_prefix,
        .rooms = options.rooms,
        .connections = share.count,
        .first = share.first,
        .sources = share.sources,
        .open_rate = rate,
        .deadline_ms = std::chrono::milliseconds(options.timeout + kWorkerLifetime).count()};
    out.push_back({"bench-worker", "subscribers", json::serialize(json::value_from(worker))});
  }
  return out;
}

template <class T>
T field(const json::object& body, std::string_view key) {
  return body.at(key).to_number<T>();
}

}  // namespace

json::object FleetResult::close_reasons_json() const {
  json::object out;
  for (const auto& [reason, count] : close_reasons)
    out[reason] = count;
  return out;
}

SubscriberFleet::SubscriberFleet(const MeasuredServer& server, const FleetOptions& options)
    : options_(options),
      pool_(worker_arguments(server, options)),
      progress_(options.label, pool_.size(), std::cerr) {}

void SubscriberFleet::handle(const WorkerMessage& message) {
  const json::object& body = message.body;
  const json::string& type = body.at("type").as_string();
  if (type == "progress") return progress_.update(message.worker, body);
  if (type != "result") return;
  ++results_;
  result_.upgraded += field<std::uint64_t>(body, "upgraded");
  result_.subscribed += field<std::uint64_t>(body, "subscribed");
  result_.delivered += field<std::uint64_t>(body, "delivered");
  result_.duplicates += field<std::uint64_t>(body, "duplicates");
  result_.out_of_order += field<std::uint64_t>(body, "out_of_order");
  result_.closed += field<std::uint64_t>(body, "closed");
  for (const auto& [reason, count] : body.at("close_reasons").as_object())
    result_.close_reasons[std::string(reason)] += count.to_number<std::uint64_t>();
  result_.latency.merge(LatencyHistogram::from_json(body.at("latency")));
  result_.timeline.merge(LatencyTimeline::from_json(body.at("timeline")));
}

bool SubscriberFleet::wait_subscribed(const std::function<void()>& sample) {
  const auto handle = [this](const WorkerMessage& message) { this->handle(message); };
  return pump(pool_, progress_, options_.timeout, handle, [&] {
    if (sample) sample();
    return progress_.total("subscribed") == options_.subscribers;
  });
}

void SubscriberFleet::poll(milliseconds timeout) {
  for (const WorkerMessage& message : pool_.poll(timeout))
    handle(message);
  progress_.print_if_due();
}

double SubscriberFleet::cpu_seconds() const {
  double total = 0;
  for (std::size_t i = 0; i < pool_.size(); ++i)
    total += process_cpu_seconds(pool_.pid(i)).value_or(0);
  return total;
}

FleetResult SubscriberFleet::finish() {
  finish_workers(
      pool_, progress_, [this](const WorkerMessage& message) { handle(message); },
      [this] { return results_ == pool_.size(); }, options_.label, kReportGrace);
  return result_;
}

}  // namespace herald::bench
