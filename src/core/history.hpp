#pragma once

#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "core/message.hpp"
#include "store/cache.hpp"
#include "store/store.hpp"

namespace herald {

struct HistoryRange {
  std::vector<EnvelopePtr> messages;  // seq > after, ascending
  Seq head = 0;                       // newest seq of the room
  Seq first_retained = 1;             // oldest seq still available
};

// Reads a room's past: from the recent cache when it covers the range, else from the store.
class History {
 public:
  using Handler = std::function<void(std::error_code, HistoryRange)>;

  History(RecentCache& cache, MessageStore& store, std::size_t page_size)
      : cache_(cache), store_(store), page_size_(page_size) {}

  // Messages after `after` (a page at most), or only the head when `after` is absent. A caller
  // that knows seq `needed` exists (it saw a later one) is served by the store when the cache
  // does not reach that far yet. The handler runs inline or on a store thread: callers hop to
  // their own executor.
  void read(const std::string& room, std::optional<Seq> after, Handler done, Seq needed = 0);

  std::size_t page_size() const { return page_size_; }

 private:
  RecentCache& cache_;
  MessageStore& store_;
  std::size_t page_size_;
};

}  // namespace herald
