#pragma once

#include <functional>
#include <system_error>

#include "bus/bus.hpp"
#include "store/cache.hpp"
#include "store/store.hpp"

namespace herald {

// The durable publish path: store (assigns seq, commits), then recent cache, then bus. The
// handler runs after the commit, on the store's thread.
class Publisher {
 public:
  using Handler = std::function<void(std::error_code, const Message&, bool duplicate)>;

  Publisher(MessageStore& store, RecentCache& cache, Bus& bus)
      : store_(store), cache_(cache), bus_(bus) {}

  void publish(AppendRequest request, Handler done);

 private:
  MessageStore& store_;
  RecentCache& cache_;
  Bus& bus_;
};

}  // namespace herald
