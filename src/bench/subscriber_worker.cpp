#include "bench/subscriber_worker.hpp"

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <map>

#include "bench/bench_target.hpp"
#include "bench/delivery_log.hpp"
#include "bench/latency_histogram.hpp"
#include "bench/latency_timeline.hpp"
#include "bench/process_cpu.hpp"
#include "bench/ramp.hpp"
#include "bench/stamp.hpp"
#include "bench/worker_loop.hpp"
#include "bench/worker_share.hpp"
#include "bench/ws_swarm.hpp"

namespace herald::bench {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

struct Subscriber {
  DeliveryLog log;
  bool subscribed = false;
};

class SubscriberWorker final : public WsSwarmHandler {
 public:
  SubscriberWorker(asio::io_context& io, const SubscriberWorkerOptions& options)
      : options_(options),
        target_(target_from_name(options.target)),
        loop_(io, std::chrono::milliseconds(options.deadline_ms)),
        swarm_({options.server_ip, options.port}, options.connections, *this),
        ramp_(io, options.connections, options.open_rate,
              [this](std::size_t i) { swarm_.open(i, source_for(options_.sources, i)); }),
        subscribers_(options.connections) {}

  void run(asio::io_context& io) {
    ramp_.start();
    loop_.start([this] { return progress(); }, [this] { return result(); });
    swarm_.run(io);
  }

  std::string target(std::size_t index) override {
    return subscribe_target(target_, room_of(index));
  }

  void on_open(std::size_t index, std::string& out) override {
    out = subscribe_frames(target_, room_of(index));
    if (confirms_subscription(target_, {})) mark_subscribed(index);
  }

  void on_message(std::size_t index, std::string_view text) override {
    Subscriber& subscriber = subscribers_[index];
    if (!subscriber.subscribed && confirms_subscription(target_, text)) mark_subscribed(index);
    const std::int64_t now = monotonic_us();
    // Herald may send several frames in one message, one a line.
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      if (const auto stamp = find_stamp(text.substr(start, end - start)); stamp && stamp->seq > 0) {
        counts_.add(subscriber.log.record(stamp->seq));
        const std::int64_t latency_us = now - stamp->sent_us;
        latency_.add(latency_us);
        timeline_.add(stamp->sent_us, latency_us);
      }
      start = end + 1;
    }
  }

  void on_closed(std::size_t, std::string_view reason, std::chrono::milliseconds) override {
    ++close_reasons_[std::string(reason)];
  }

 private:
  std::string room_of(std::size_t index) const {
    return room_name(options_.room_prefix, subscriber_room(options_.first + index, options_.rooms));
  }

  void mark_subscribed(std::size_t index) {
    subscribers_[index].subscribed = true;
    ++subscribed_;
  }

  double cpu_ms() const { return 1000 * process_cpu_seconds(::getpid()).value_or(0); }

  json::object progress() const {
    return {{"opened", ramp_.opened()},  {"upgraded", swarm_.upgraded()},
            {"subscribed", subscribed_}, {"delivered", counts_.delivered},
            {"closed", swarm_.closed()}, {"tool_cpu_ms", cpu_ms()}};
  }

  json::object result() const {
    json::object reasons;
    for (const auto& [reason, count] : close_reasons_)
      reasons[reason] = count;
    return {{"connections", options_.connections},
            {"upgraded", swarm_.upgraded()},
            {"subscribed", subscribed_},
            {"delivered", counts_.delivered},
            {"duplicates", counts_.duplicates},
            {"out_of_order", counts_.out_of_order},
            {"closed", swarm_.closed()},
            {"close_reasons", std::move(reasons)},
            {"latency", latency_.to_json()},
            {"timeline", timeline_.to_json()},
            {"tool_cpu_ms", cpu_ms()}};
  }

  const SubscriberWorkerOptions& options_;
  Target target_;
  WorkerLoop loop_;
  WsSwarm swarm_;
  Ramp ramp_;
  std::vector<Subscriber> subscribers_;
  std::size_t subscribed_ = 0;
  DeliveryCounts counts_;
  LatencyHistogram latency_;
  LatencyTimeline timeline_;
  std::map<std::string, std::uint64_t> close_reasons_;
};

}  // namespace

std::size_t subscriber_room(std::size_t number, std::size_t rooms) {
  return number % rooms;
}

std::size_t room_members(std::size_t room, std::size_t subscribers, std::size_t rooms) {
  return subscribers / rooms + (room < subscribers % rooms ? 1 : 0);
}

void run_subscriber_worker(const SubscriberWorkerOptions& options) {
  asio::io_context io(1);
  SubscriberWorker worker(io, options);
  worker.run(io);
}

}  // namespace herald::bench
