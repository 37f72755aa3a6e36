#include "transport/admission.hpp"

namespace herald {
namespace {

// A full edge frees connections slowly; a draining one sends clients to its successor, which
// may take a moment to come up. Clients add their own jitter to either.
constexpr auto kFullRetryAfter = std::chrono::seconds(5);
constexpr auto kDrainingRetryAfter = std::chrono::seconds(1);

std::chrono::seconds whole_seconds_up(std::chrono::milliseconds wait) {
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(wait));
}

}  // namespace

Admission::Admission(AdmissionOptions options, Metrics& metrics)
    : options_(options), metrics_(metrics), bucket_(options.rate, options.burst) {}

Admission::Verdict Admission::admit_connection() {
  if (draining()) return admit_request();
  if (metrics_.connections.value() > static_cast<std::int64_t>(options_.max_connections)) {
    metrics_.count(Refusal::full);
    return Refused{Refusal::full, kFullRetryAfter};
  }
  if (options_.rate <= 0) return std::nullopt;
  const std::lock_guard lock(mutex_);
  if (bucket_.try_take()) return std::nullopt;
  metrics_.count(Refusal::rate);
  return Refused{Refusal::rate, whole_seconds_up(bucket_.wait_time())};
}

Admission::Verdict Admission::admit_request() const {
  if (!draining()) return std::nullopt;
  metrics_.count(Refusal::draining);
  return Refused{Refusal::draining, kDrainingRetryAfter};
}

}  // namespace herald
