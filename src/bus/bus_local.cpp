#include "bus/bus_local.hpp"

#include <algorithm>

namespace herald {

void LocalBus::publish(const EnvelopePtr& envelope) {
  // Subscribers only queue the envelope for their own thread, so holding the lock is cheap.
  const std::lock_guard lock(mutex_);
  const auto it = rooms_.find(envelope->msg.room);
  if (it == rooms_.end()) return;
  for (BusSubscriber* subscriber : it->second)
    subscriber->on_envelope(envelope);
}

void LocalBus::subscribe(const std::string& room, BusSubscriber* subscriber,
                         std::function<void()> ready) {
  {
    const std::lock_guard lock(mutex_);
    rooms_[room].push_back(subscriber);
  }
  ready();
}

void LocalBus::unsubscribe(std::string_view room, BusSubscriber* subscriber) {
  const std::lock_guard lock(mutex_);
  const auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  std::erase(it->second, subscriber);
  if (it->second.empty()) rooms_.erase(it);
}

}  // namespace herald
