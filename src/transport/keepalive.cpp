#include "transport/keepalive.hpp"

#include "transport/session_connection.hpp"

namespace herald {

namespace {

// Every connection is looked at once a second, a twentieth of them at a time: one pass over all
// of them held the loop for 2-3 ms per 10,000 connections, a stall every publish and delivery
// arriving meanwhile waited behind.
constexpr std::size_t kSlices = 20;
constexpr auto kSliceInterval = std::chrono::milliseconds(1000 / kSlices);

}  // namespace

void Keepalive::start() {
  schedule();
}

void Keepalive::schedule() {
  timer_.expires_after(kSliceInterval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    sweep_slice();
    schedule();
  });
}

void Keepalive::sweep_slice() {
  const auto now = std::chrono::steady_clock::now();
  // A slice is a range of the set's buckets. A rehash between slices may skip a connection for
  // one round (its ping a second late) or show it twice (the second look does nothing).
  const auto& sessions = context_.sessions;
  const std::size_t buckets = sessions.bucket_count();
  const std::size_t first = buckets * slice_ / kSlices;
  const std::size_t last = buckets * (slice_ + 1) / kSlices;
  slice_ = (slice_ + 1) % kSlices;
  // A dead connection leaves the set as it is closed, so walk a copy.
  due_.clear();
  for (std::size_t bucket = first; bucket < last; ++bucket)
    due_.insert(due_.end(), sessions.begin(bucket), sessions.end(bucket));
  for (SessionConnection* connection : due_)
    connection->keep_alive(now);
}

}  // namespace herald
