#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/message.hpp"

namespace herald {

// The newest messages of each room, in front of the store. Thread-safe.
class RecentCache {
 public:
  virtual ~RecentCache() = default;

  // Envelopes of one room must be added in seq order.
  virtual void add(const EnvelopePtr& envelope) = 0;

  // Every cached envelope with seq > after (at most `limit`, ascending), or nullopt when the
  // cache cannot vouch for the whole range after+1 .. its newest (then ask the store).
  virtual std::optional<std::vector<EnvelopePtr>> since(std::string_view room, Seq after,
                                                        std::size_t limit) = 0;
};

}  // namespace herald
