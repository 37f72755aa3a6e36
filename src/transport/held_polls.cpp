#include "transport/held_polls.hpp"

namespace herald {

std::unique_ptr<HeldPolls::Hold> HeldPolls::try_hold(const std::string& address) {
  {
    const std::lock_guard lock(mutex_);
    std::size_t& held = held_[address];
    if (per_address_ > 0 && held >= per_address_) {
      return nullptr;
    }
    ++held;
  }
  return std::make_unique<Hold>(*this, address);
}

void HeldPolls::release(const std::string& address) {
  const std::lock_guard lock(mutex_);
  const auto it = held_.find(address);
  if (it != held_.end() && --it->second == 0) held_.erase(it);
}

}  // namespace herald
