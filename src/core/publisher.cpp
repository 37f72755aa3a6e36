#include "core/publisher.hpp"

namespace herald {

void Publisher::publish(AppendRequest request, Handler done) {
  std::vector<AppendRequest> one;
  one.push_back(std::move(request));
  publish_batch(std::move(one), [done = std::move(done)](std::error_code ec,
                                                         const std::vector<Published>& published) {
    if (ec) return done(ec, Message{}, false);
    done(ec, published.front().envelope->msg, published.front().duplicate);
  });
}

void Publisher::publish_batch(std::vector<AppendRequest> requests, BatchHandler done) {
  store_.append_batch(std::move(requests), [this, done = std::move(done)](
                                               std::error_code ec,
                                               std::vector<AppendResult> results) {
    std::vector<Published> published;
    published.reserve(results.size());
    // The store calls back in seq order per room, so cache and bus see each room in order.
    for (AppendResult& result : results) {
      if (result.duplicate) {
        // Already fanned out when it was new: only the answer needs it, unencoded.
        published.push_back(
            {std::make_shared<const Envelope>(Envelope{std::move(result.message), {}, {}}), true});
        continue;
      }
      auto envelope = make_envelope(std::move(result.message));
      cache_.add(envelope);
      bus_.publish(envelope);
      published.push_back({std::move(envelope), false});
    }
    done(ec, published);
  });
}

}  // namespace herald
