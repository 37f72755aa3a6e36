#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "bus/bus.hpp"

namespace herald {

// The bus of a single process: publish hands each envelope straight to the subscribers of its
// room. Publishing from one thread keeps each room in order.
class LocalBus final : public Bus {
 public:
  void publish(const EnvelopePtr& envelope) override;
  void subscribe(const std::string& room, BusSubscriber* subscriber,
                 std::function<void()> ready) override;
  void unsubscribe(std::string_view room, BusSubscriber* subscriber) override;

 private:
  struct Hash : std::hash<std::string_view> {
    using is_transparent = void;
  };
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<BusSubscriber*>, Hash, std::equal_to<>> rooms_;
};

}  // namespace herald
