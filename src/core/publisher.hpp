#pragma once

#include <functional>
#include <system_error>
#include <vector>

#include "bus/bus.hpp"
#include "store/cache.hpp"
#include "store/store.hpp"

namespace herald {

// What became of one published message.
struct Published {
  EnvelopePtr envelope;  // the message as stored: the new one, or the original of a duplicate
  bool duplicate = false;
};

// The durable publish path: store (assigns seq, commits), then recent cache, then bus. Handlers
// run after the commit, on the store's thread.
class Publisher {
 public:
  using Handler = std::function<void(std::error_code, const Message&, bool duplicate)>;
  // With what became of each message in request order; or with an error and none.
  using BatchHandler = std::function<void(std::error_code, const std::vector<Published>&)>;

  Publisher(MessageStore& store, RecentCache& cache, Bus& bus)
      : store_(store), cache_(cache), bus_(bus) {}

  void publish(AppendRequest request, Handler done);
  // Publishes `requests` in order, committed together: the cheaper way to publish many.
  void publish_batch(std::vector<AppendRequest> requests, BatchHandler done);

 private:
  MessageStore& store_;
  RecentCache& cache_;
  Bus& bus_;
};

}  // namespace herald
