#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>

#include "core/metrics.hpp"
#include "core/token_bucket.hpp"

namespace herald {

struct AdmissionOptions {
  std::size_t max_connections = 10'000;  // open connections at most
  double rate = 500;                     // new connections per second; 0 = unlimited
  double burst = 500;                    // new connections at once above the rate
};

// Decides, before any work is done for it, whether a connection or request is served or answered
// 503 with a Retry-After: over max_connections, over the rate of new connections, or draining.
// One per edge, shared by every event loop.
class Admission {
 public:
  struct Refused {
    Refusal why;
    std::chrono::seconds retry_after;
  };
  using Verdict = std::optional<Refused>;  // empty: serve it

  Admission(AdmissionOptions options, Metrics& metrics);

  // For a connection just accepted and already counted in metrics.connections.
  Verdict admit_connection();
  // For every request, on new and kept-alive connections alike.
  Verdict admit_request() const;

  // From now on every request is refused, /healthz included, so load balancers move on.
  void start_draining() { draining_.store(true, std::memory_order_relaxed); }
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

 private:
  AdmissionOptions options_;
  Metrics& metrics_;
  std::mutex mutex_;  // new connections are few next to messages: a lock is cheap here
  TokenBucket bucket_;
  std::atomic<bool> draining_{false};
};

}  // namespace herald
