#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/message.hpp"

namespace herald {

// Receives the envelopes of the rooms it subscribed to, in publish order per room, on a
// thread of the bus's choosing: implementations hand them over to their own thread.
class BusSubscriber {
 public:
  virtual ~BusSubscriber() = default;
  virtual void on_envelope(EnvelopePtr envelope) = 0;
};

// Carries committed envelopes from the publishing path to every edge loop with members in
// the room. Thread-safe.
class Bus {
 public:
  virtual ~Bus() = default;

  virtual void publish(const EnvelopePtr& envelope) = 0;
  // `ready` runs once envelopes published from now on are certain to reach `subscriber`.
  virtual void subscribe(const std::string& room, BusSubscriber* subscriber,
                         std::function<void()> ready) = 0;
  virtual void unsubscribe(std::string_view room, BusSubscriber* subscriber) = 0;
};

}  // namespace herald
