#include "core/publisher.hpp"

namespace herald {

void Publisher::publish(AppendRequest request, Handler done) {
  store_.append(std::move(request),
                [this, done = std::move(done)](std::error_code ec, AppendResult result) {
                  // The store calls back in seq order per room, so cache and bus see each room in
                  // order.
                  if (ec || result.duplicate) {
                    done(ec, result.message, result.duplicate);
                    return;
                  }
                  auto envelope = make_envelope(std::move(result.message));
                  cache_.add(envelope);
                  bus_.publish(envelope);
                  done(ec, envelope->msg, false);
                });
}

}  // namespace herald
