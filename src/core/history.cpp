#include "core/history.hpp"

#include <limits>

namespace herald {

void History::read(const std::string& room, std::optional<Seq> after, Handler done, Seq needed) {
  if (after) {
    auto cached = cache_.since(room, *after, page_size_);
    if (cached && cached->newest >= needed) {
      HistoryRange range;
      range.head = cached->newest;
      // The cache holds every seq after `after`, so nothing the caller asked for is gone.
      range.first_retained = *after + 1;
      range.messages = std::move(cached->messages);
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
