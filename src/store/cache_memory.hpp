#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/cache.hpp"

namespace herald {

struct MemoryCacheOptions {
  std::size_t max_messages = 1000;  // per room
  std::chrono::milliseconds max_age = std::chrono::minutes(15);
};

// The embedded RecentCache: per room, a ring of its newest envelopes with contiguous seqs.
//
// An add that skips ahead (seq > newest + 1) restarts the ring from that envelope: the cache then
// vouches only from there. An add of a seq the ring already passed (a late or repeated envelope)
// is ignored, since restarting the ring at an older seq would hide the newer ones and make the
// cache claim a room has nothing after them.
class MemoryCache final : public RecentCache {
 public:
  explicit MemoryCache(MemoryCacheOptions options = {});

  void add(const EnvelopePtr& envelope) override;
  std::optional<CachedRange> since(std::string_view room, Seq after, std::size_t limit) override;

  // Rooms holding at least one envelope.
  std::size_t rooms() const;

 private:
  using Ring = std::deque<EnvelopePtr>;

  struct RoomHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view room) const {
      return std::hash<std::string_view>{}(room);
    }
  };

  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Ring, RoomHash, std::equal_to<>> rooms;
    std::size_t adds_since_sweep = 0;
  };

  Shard& shard_for(std::string_view room);
  void drop_expired(Ring& ring, std::int64_t now) const;
  void sweep(Shard& shard, std::int64_t now) const;

  MemoryCacheOptions options_;
  std::array<Shard, 16> shards_;
};

}  // namespace herald
