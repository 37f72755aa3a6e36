#include "transport/keepalive.hpp"

#include <vector>

#include "transport/session_connection.hpp"

namespace herald {

namespace {

constexpr auto kSweepInterval = std::chrono::seconds(1);

}  // namespace

void Keepalive::start() {
  schedule();
}

void Keepalive::schedule() {
  timer_.expires_after(kSweepInterval);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    sweep();
    schedule();
  });
}

void Keepalive::sweep() {
  const auto now = std::chrono::steady_clock::now();
  // A dead connection leaves the set as it is closed, so walk a copy.
  const std::vector<SessionConnection*> open(context_.sessions.begin(), context_.sessions.end());
  for (SessionConnection* connection : open)
    connection->keep_alive(now);
}

}  // namespace herald
