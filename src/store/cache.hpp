#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/message.hpp"

namespace herald {

// What the cache holds of a room after some seq.
struct CachedRange {
  std::vector<EnvelopePtr> messages;  // ascending, at most the limit asked for
  Seq newest = 0;                     // the newest seq cached for the room
};

// The newest messages of each room, in front of the store. Thread-safe.
class RecentCache {
 public:
  virtual ~RecentCache() = default;

  // Envelopes of one room must be added in seq order.
  virtual void add(const EnvelopePtr& envelope) = 0;

  // Every cached envelope with seq > after (at most `limit`), or nullopt when the cache cannot
  // vouch for the whole range after+1 .. its newest (then ask the store).
  virtual std::optional<CachedRange> since(std::string_view room, Seq after, std::size_t limit) = 0;
};

}  // namespace herald
