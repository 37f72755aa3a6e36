#include "core/history.hpp"

#include <limits>

namespace herald {

void History::read(const std::string& room, std::optional<Seq> after, Handler done) {
  if (after) {
    // The page is at least the cache's capacity, so a cache hit is never truncated and its
    // newest entry is the room's head.
    if (auto cached = cache_.since(room, *after, page_size_)) {
      HistoryRange range;
      range.head = cached->empty() ? *after : cached->back()->msg.seq;
      range.first_retained = cached->empty() ? *after + 1 : cached->front()->msg.seq;
      range.messages = std::move(*cached);
      done({}, std::move(range));
      return;
    }
  }
  const Seq from = after.value_or(std::numeric_limits<Seq>::max());
  const std::size_t limit = after ? page_size_ : 0;
  store_.read(room, from, limit, [done = std::move(done)](std::error_code ec, StoredRange stored) {
    HistoryRange range{{}, stored.head, stored.first_retained};
    range.messages.reserve(stored.messages.size());
    for (auto& message : stored.messages)
      range.messages.push_back(make_envelope(std::move(message)));
    done(ec, std::move(range));
  });
}

}  // namespace herald
