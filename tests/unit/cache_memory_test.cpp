#include "store/cache_memory.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace herald {
namespace {

using namespace std::chrono_literals;

std::int64_t ms_ago(std::chrono::milliseconds age) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             (std::chrono::system_clock::now() - age).time_since_epoch())
      .count();
}

EnvelopePtr envelope(const std::string& room, Seq seq, std::int64_t ts_ms = ms_ago(0ms)) {
  return make_envelope(Message{room, seq, "id-" + std::to_string(seq), "{}", ts_ms});
}

void add_range(MemoryCache& cache, const std::string& room, Seq first, Seq last) {
  for (Seq seq = first; seq <= last; ++seq) {
    cache.add(envelope(room, seq));
  }
}

// nullopt stays distinguishable from an empty answer.
std::optional<std::vector<Seq>> seqs(const std::optional<CachedRange>& cached) {
  if (!cached) return std::nullopt;
  std::vector<Seq> out;
  for (const auto& e : cached->messages) {
    out.push_back(e->msg.seq);
  }
  return out;
}

using Seqs = std::optional<std::vector<Seq>>;

Seqs want(std::initializer_list<Seq> expected) {
  return std::vector<Seq>(expected);
}

TEST(MemoryCacheTest, ReturnsWhatFollowsInOrder) {
  MemoryCache cache;
  add_range(cache, "a", 1, 5);
  EXPECT_EQ(seqs(cache.since("a", 0, 100)), want({1, 2, 3, 4, 5}));
  EXPECT_EQ(seqs(cache.since("a", 2, 100)), want({3, 4, 5}));
  EXPECT_EQ(seqs(cache.since("a", 5, 100)), want({}));

  const auto cached = cache.since("a", 3, 100);
  ASSERT_TRUE(cached);
  ASSERT_EQ(cached->messages.size(), 2u);
  EXPECT_EQ(cached->newest, 5u);
  EXPECT_EQ(cached->messages[0]->msg.id, "id-4");
  EXPECT_EQ(cached->messages[0]->msg.room, "a");
  EXPECT_NE(cached->messages[0]->frame, nullptr);
}

TEST(MemoryCacheTest, LimitTakesTheOldestFirst) {
  MemoryCache cache;
  add_range(cache, "a", 1, 5);
  EXPECT_EQ(seqs(cache.since("a", 0, 2)), want({1, 2}));
  EXPECT_EQ(seqs(cache.since("a", 3, 1)), want({4}));
  EXPECT_EQ(seqs(cache.since("a", 0, 0)), want({}));
  // A limited answer still tells how far the cache reaches.
  EXPECT_EQ(cache.since("a", 0, 2)->newest, 5u);
}

TEST(MemoryCacheTest, CannotVouchOutsideWhatItHolds) {
  MemoryCache cache;
  EXPECT_EQ(cache.since("unknown", 0, 10), std::nullopt);

  add_range(cache, "a", 4, 6);  // a cache started late, at seq 4
  EXPECT_EQ(cache.since("a", 2, 10), std::nullopt);
  EXPECT_EQ(seqs(cache.since("a", 3, 10)), want({4, 5, 6}));
  EXPECT_EQ(cache.since("a", 7, 10), std::nullopt);  // newer than anything cached
  EXPECT_EQ(cache.since("a", ~Seq{0}, 10), std::nullopt);
}

TEST(MemoryCacheTest, RoomsAreIndependent) {
  MemoryCache cache;
  add_range(cache, "a", 1, 3);
  add_range(cache, "b", 1, 2);
  EXPECT_EQ(seqs(cache.since("a", 0, 10)), want({1, 2, 3}));
  EXPECT_EQ(seqs(cache.since("b", 0, 10)), want({1, 2}));
  EXPECT_EQ(cache.rooms(), 2u);
}

TEST(MemoryCacheTest, EvictsTheOldestBeyondMaxMessages) {
  MemoryCache cache({.max_messages = 3});
  add_range(cache, "a", 1, 5);
  EXPECT_EQ(cache.since("a", 1, 10), std::nullopt);
  EXPECT_EQ(seqs(cache.since("a", 2, 10)), want({3, 4, 5}));
}

TEST(MemoryCacheTest, EvictsExpiredEnvelopes) {
  MemoryCache cache({.max_age = 10min});
  cache.add(envelope("a", 1, ms_ago(30min)));
  cache.add(envelope("a", 2, ms_ago(20min)));
  cache.add(envelope("a", 3));
  cache.add(envelope("a", 4));
  EXPECT_EQ(cache.since("a", 1, 10), std::nullopt);
  EXPECT_EQ(seqs(cache.since("a", 2, 10)), want({3, 4}));
}

TEST(MemoryCacheTest, ForgetsRoomsWhoseEnvelopesAllExpired) {
  MemoryCache cache({.max_age = 10min});
  cache.add(envelope("old", 1, ms_ago(20min)));
  EXPECT_EQ(cache.rooms(), 0u);
  EXPECT_EQ(cache.since("old", 0, 10), std::nullopt);
}

TEST(MemoryCacheTest, ExpiresIdleRoomsWhileOthersAreBusy) {
  constexpr int kBusyRooms = 200;  // enough for every shard to see adds
  MemoryCache cache({.max_age = 50ms});
  cache.add(envelope("idle", 1));
  std::this_thread::sleep_for(200ms);  // longer is fine: "idle" only gets older
  // Stamped an hour ahead, so however slowly this runs they cannot expire meanwhile.
  const std::int64_t future = ms_ago(-1h);
  for (int r = 0; r < kBusyRooms; ++r) {
    cache.add(envelope("busy-" + std::to_string(r), 1, future));
    cache.add(envelope("busy-" + std::to_string(r), 2, future));
  }
  EXPECT_EQ(cache.rooms(), static_cast<std::size_t>(kBusyRooms));
  EXPECT_EQ(cache.since("idle", 0, 10), std::nullopt);
}

TEST(MemoryCacheTest, RestartsAfterASkippedSeq) {
  MemoryCache cache;
  add_range(cache, "a", 1, 3);
  cache.add(envelope("a", 7));
  EXPECT_EQ(cache.since("a", 3, 10), std::nullopt);
  EXPECT_EQ(cache.since("a", 0, 10), std::nullopt);
  EXPECT_EQ(seqs(cache.since("a", 6, 10)), want({7}));
  cache.add(envelope("a", 8));
  EXPECT_EQ(seqs(cache.since("a", 6, 10)), want({7, 8}));
}

// Restarting at an older seq would make the cache answer "nothing after it", hiding newer ones.
TEST(MemoryCacheTest, IgnoresLateAndRepeatedEnvelopes) {
  MemoryCache cache;
  add_range(cache, "a", 1, 4);
  cache.add(envelope("a", 4));
  cache.add(envelope("a", 2));
  EXPECT_EQ(seqs(cache.since("a", 0, 10)), want({1, 2, 3, 4}));
  EXPECT_EQ(seqs(cache.since("a", 2, 10)), want({3, 4}));
}

TEST(MemoryCacheTest, ConcurrentAddsAndReadsStayContiguous) {
  constexpr int kRooms = 8;
  constexpr Seq kPerRoom = 3000;
  MemoryCache cache({.max_messages = 100});
  std::atomic<bool> writing{true};
  std::atomic<int> bad{0};

  // One writer per room keeps each room's adds in seq order, as the contract requires.
  std::vector<std::thread> writers;
  for (int r = 0; r < kRooms; ++r) {
    writers.emplace_back(
        [&cache, r] { add_range(cache, "room-" + std::to_string(r), 1, kPerRoom); });
  }
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&, t] {
      for (Seq i = 0; writing.load(); ++i) {
        const Seq after = (i * 37) % kPerRoom;
        const auto got = cache.since("room-" + std::to_string((i + t) % kRooms), after, 50);
        if (!got) continue;
        Seq expected = after + 1;
        for (const auto& e : got->messages) {
          bad.fetch_add(e->msg.seq == expected++ ? 0 : 1);
        }
        bad.fetch_add(got->messages.size() <= 50 ? 0 : 1);
      }
    });
  }
  for (auto& writer : writers) {
    writer.join();
  }
  writing.store(false);
  for (auto& reader : readers) {
    reader.join();
  }

  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(cache.rooms(), static_cast<std::size_t>(kRooms));
  for (int r = 0; r < kRooms; ++r) {
    EXPECT_EQ(seqs(cache.since("room-" + std::to_string(r), kPerRoom - 2, 10)),
              want({kPerRoom - 1, kPerRoom}));
    EXPECT_EQ(cache.since("room-" + std::to_string(r), kPerRoom - 101, 10), std::nullopt);
  }
}

}  // namespace
}  // namespace herald
