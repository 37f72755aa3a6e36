#include "server/drain.hpp"

#include "transport/session_connection.hpp"

namespace herald {

void Drain::start(std::chrono::milliseconds window) {
  start_ = std::chrono::steady_clock::now();
  window_ = window;
  sessions_.clear();
  std::vector<SessionConnection*> held;
  for (SessionConnection* connection : context_.sessions) {
    if (connection->held_request()) {
      held.push_back(connection);
    } else {
      sessions_.push_back(connection->weak());
    }
  }
  // Answered now: sending them away erases them from the set, hence the copy.
  for (SessionConnection* connection : held)
    connection->go_away(kReconnect);
  next_ = 0;
  send_away_due();
}

std::chrono::steady_clock::time_point Drain::due(std::size_t index) const {
  return start_ + window_ * index / sessions_.size();
}

void Drain::send_away_due() {
  const auto now = std::chrono::steady_clock::now();
  for (; next_ < sessions_.size() && due(next_) <= now; ++next_) {
    // A session that ended on its own since the start has nothing left to send away.
    if (auto connection = sessions_[next_].lock()) connection->go_away(kReconnect);
  }
  schedule();
}

void Drain::schedule() {
  if (next_ == sessions_.size()) return;
  timer_.expires_at(due(next_));
  timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) send_away_due();
  });
}

void Drain::finish() {
  timer_.cancel();
  // Sending away erases from the set, so walk a copy.
  const std::vector<SessionConnection*> open(context_.sessions.begin(), context_.sessions.end());
  for (SessionConnection* connection : open)
    connection->go_away(kReconnect);
}

}  // namespace herald
