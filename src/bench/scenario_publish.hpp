#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>

#include "bench/measured_server.hpp"

namespace herald::bench {

struct PublishOptions {
  ServerChoice server;
  // 800 publishes in flight: enough to fill each commit, few enough to keep the wait for one short.
  std::size_t connections = 4;  // HTTP keep-alive connections, one request in flight on each
  std::size_t batch = 200;      // messages per request (Herald's batch publish)
  std::size_t rooms = 64;
  std::chrono::seconds duration{10};
  std::size_t payload_bytes = 64;
  std::filesystem::path out = "bench/results/publish.json";  // the chart goes beside it
};

// Durable publishes: every connection publishes its next batch as soon as the last one is
// acknowledged (Herald answers after the commit). Reports acknowledged publishes per second,
// the acknowledgement latency and the server's CPU; writes the JSON and the latency CDF.
void run_publish(const PublishOptions& options);

}  // namespace herald::bench
