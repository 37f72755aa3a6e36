#include "store/cache_memory.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace herald {
namespace {

std::int64_t now_ms() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

MemoryCache::MemoryCache(MemoryCacheOptions options) : options_(options) {}

void MemoryCache::add(const EnvelopePtr& envelope) {
  const Message& msg = envelope->msg;
  const std::int64_t now = now_ms();
  Shard& shard = shard_for(msg.room);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.rooms.try_emplace(msg.room).first;
  Ring& ring = it->second;
  if (!ring.empty()) {
    const Seq newest = ring.back()->msg.seq;
    if (msg.seq <= newest) return;
    if (msg.seq != newest + 1) ring.clear();
  }
  ring.push_back(envelope);
  if (ring.size() > options_.max_messages) ring.pop_front();
  drop_expired(ring, now);  // the new envelope may itself be too old
  if (ring.empty()) shard.rooms.erase(it);
  // A full sweep once per as many adds as the shard has rooms: O(1) per add amortised, and
  // rooms nobody writes to or reads from any more still get erased.
  if (++shard.adds_since_sweep >= shard.rooms.size()) sweep(shard, now);
}

std::optional<CachedRange> MemoryCache::since(std::string_view room, Seq after, std::size_t limit) {
  const std::int64_t now = now_ms();
  Shard& shard = shard_for(room);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.rooms.find(room);
  if (it == shard.rooms.end()) return std::nullopt;
  Ring& ring = it->second;
  drop_expired(ring, now);
  if (ring.empty()) {
    shard.rooms.erase(it);
    return std::nullopt;
  }
  // The ring holds contiguous seqs, so it vouches exactly for oldest .. newest.
  const Seq oldest = ring.front()->msg.seq;
  const Seq newest = ring.back()->msg.seq;
  if (after > newest || after + 1 < oldest) return std::nullopt;
  const auto first = ring.begin() + static_cast<std::ptrdiff_t>(after + 1 - oldest);
  const auto count = std::min(limit, static_cast<std::size_t>(ring.end() - first));
  return CachedRange{{first, first + static_cast<std::ptrdiff_t>(count)}, newest};
}

std::size_t MemoryCache::rooms() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    total += shard.rooms.size();
  }
  return total;
}

MemoryCache::Shard& MemoryCache::shard_for(std::string_view room) {
  return shards_[RoomHash{}(room) % shards_.size()];
}

void MemoryCache::drop_expired(Ring& ring, std::int64_t now) const {
  const std::int64_t cutoff = now - options_.max_age.count();
  while (!ring.empty() && ring.front()->msg.ts_ms < cutoff) {
    ring.pop_front();
  }
}

void MemoryCache::sweep(Shard& shard, std::int64_t now) const {
  for (auto it = shard.rooms.begin(); it != shard.rooms.end();) {
    drop_expired(it->second, now);
    it = it->second.empty() ? shard.rooms.erase(it) : std::next(it);
  }
  shard.adds_since_sweep = 0;
}

}  // namespace herald
