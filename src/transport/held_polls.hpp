#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace herald {

// Counts the polls held open per client address, so that one client cannot park an edge's
// connections in polls: a browser tab holds one at a time. One per edge, shared by the loops.
class HeldPolls {
 public:
  // While it lives, the poll counts against its address.
  class Hold {
   public:
    Hold(HeldPolls& polls, std::string address) : polls_(polls), address_(std::move(address)) {}
    ~Hold() { polls_.release(address_); }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    HeldPolls& polls_;
    std::string address_;
  };

  // 0: no limit.
  explicit HeldPolls(std::size_t per_address) : per_address_(per_address) {}

  // Null when `address` already holds as many polls as it may.
  std::unique_ptr<Hold> try_hold(const std::string& address);

 private:
  void release(const std::string& address);

  const std::size_t per_address_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> held_;
};

}  // namespace herald
