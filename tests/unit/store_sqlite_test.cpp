#include "store/store_sqlite.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace herald {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Generous: the suite runs under sanitizers on busy machines. Only a hang hits it.
constexpr auto kTimeout = 60s;

struct Appended {
  std::error_code error;
  AppendResult result;
};

struct Read {
  std::error_code error;
  StoredRange range;
};

template <typename T>
T await(std::future<T>& future) {
  if (future.wait_for(kTimeout) != std::future_status::ready) {
    throw std::runtime_error("store handler not called in time");
  }
  return future.get();
}

std::future<Appended> append_async(MessageStore& store, std::string room, std::string id,
                                   std::string data = "{}") {
  auto promise = std::make_shared<std::promise<Appended>>();
  auto future = promise->get_future();
  store.append({std::move(room), std::move(id), std::move(data)},
               [promise](std::error_code error, AppendResult result) {
                 promise->set_value({error, std::move(result)});
               });
  return future;
}

AppendResult append(MessageStore& store, std::string room, std::string id = "",
                    std::string data = "{}") {
  auto future = append_async(store, std::move(room), std::move(id), std::move(data));
  Appended appended = await(future);
  EXPECT_FALSE(appended.error) << appended.error.message();
  return appended.result;
}

StoredRange read_room(MessageStore& store, std::string room, Seq after, std::size_t limit = 1000) {
  std::promise<Read> promise;
  auto future = promise.get_future();
  store.read(std::move(room), after, limit, [&promise](std::error_code error, StoredRange range) {
    promise.set_value({error, std::move(range)});
  });
  Read result = await(future);
  EXPECT_FALSE(result.error) << result.error.message();
  return result.range;
}

std::vector<Seq> seqs(const StoredRange& range) {
  std::vector<Seq> out;
  for (const auto& message : range.messages) {
    out.push_back(message.seq);
  }
  return out;
}

// Polls until `done` holds for the room's snapshot: retention runs on its own schedule.
StoredRange read_until(MessageStore& store, const std::string& room,
                       const std::function<bool(const StoredRange&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  StoredRange range = read_room(store, room, 0);
  while (!done(range) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
    range = read_room(store, room, 0);
  }
  return range;
}

// Direct access to the file, for what the store's API cannot do: triggers, old timestamps.
void exec_sql(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The first column of the first row; nullopt for NULL or no row.
std::optional<std::int64_t> query_sql(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  std::optional<std::int64_t> value;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
    value = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

std::int64_t ms_ago(std::chrono::milliseconds age) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             (std::chrono::system_clock::now() - age).time_since_epoch())
      .count();
}

// Gives the room's messages in `seqs` (an SQL list) the ts they would have had `age` ago, and the
// room the oldest_ts the store keeps: its first message's ts.
std::string backdate(const std::string& room, const std::string& seqs,
                     std::chrono::milliseconds age) {
  return "UPDATE messages SET ts = " + std::to_string(ms_ago(age)) + " WHERE room = '" + room +
         "' AND seq IN (" + seqs + "); UPDATE rooms SET oldest_ts = (SELECT ts FROM messages " +
         "WHERE room = rooms.room ORDER BY seq LIMIT 1) WHERE room = '" + room + "';";
}

std::optional<std::int64_t> oldest_ts(const fs::path& file, const std::string& room) {
  return query_sql(file, "SELECT oldest_ts FROM rooms WHERE room = '" + room + "'");
}

std::optional<std::int64_t> message_ts(const fs::path& file, const std::string& room, Seq seq) {
  return query_sql(
      file, "SELECT ts FROM messages WHERE room = '" + room + "' AND seq = " + std::to_string(seq));
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  SqliteStoreTest() {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("herald-store-" + std::string(test->name()) + "-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }

  ~SqliteStoreTest() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path file() const { return dir_ / "herald.db"; }

  std::unique_ptr<SqliteStore> open(SqliteStoreOptions options = {}) {
    return std::make_unique<SqliteStore>(file(), options, metrics_);
  }

  fs::path dir_;
  Metrics metrics_;
};

TEST_F(SqliteStoreTest, SeqIsGaplessAndIndependentPerRoom) {
  auto store = open();
  EXPECT_EQ(append(*store, "a").message.seq, 1u);
  EXPECT_EQ(append(*store, "a").message.seq, 2u);
  EXPECT_EQ(append(*store, "b").message.seq, 1u);
  EXPECT_EQ(append(*store, "a").message.seq, 3u);
  EXPECT_EQ(append(*store, "b").message.seq, 2u);

  EXPECT_EQ(seqs(read_room(*store, "a", 0)), (std::vector<Seq>{1, 2, 3}));
  EXPECT_EQ(seqs(read_room(*store, "b", 0)), (std::vector<Seq>{1, 2}));
  EXPECT_EQ(metrics_.messages_in.value(), 5u);
  EXPECT_GE(metrics_.store_commit_seconds.count(), 1u);
}

TEST_F(SqliteStoreTest, StoresWhatWasAppended) {
  auto store = open();
  const auto before = std::chrono::system_clock::now();
  const AppendResult result = append(*store, "room", "id-1", R"({"text":"hi"})");
  EXPECT_FALSE(result.duplicate);
  EXPECT_EQ(result.message.room, "room");
  EXPECT_EQ(result.message.id, "id-1");
  EXPECT_EQ(result.message.data, R"({"text":"hi"})");
  const auto before_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(before.time_since_epoch()).count();
  EXPECT_GE(result.message.ts_ms, before_ms);

  const StoredRange range = read_room(*store, "room", 0);
  ASSERT_EQ(range.messages.size(), 1u);
  const Message& stored = range.messages[0];
  EXPECT_EQ(stored.room, "room");
  EXPECT_EQ(stored.seq, 1u);
  EXPECT_EQ(stored.id, "id-1");
  EXPECT_EQ(stored.data, R"({"text":"hi"})");
  EXPECT_EQ(stored.ts_ms, result.message.ts_ms);
}

TEST_F(SqliteStoreTest, RetryWithSameIdReturnsTheOriginal) {
  auto store = open();
  const AppendResult original = append(*store, "a", "m1", "\"first\"");
  append(*store, "a", "m2");
  const AppendResult retry = append(*store, "a", "m1", "\"second\"");

  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.message.seq, original.message.seq);
  EXPECT_EQ(retry.message.data, "\"first\"");
  EXPECT_EQ(retry.message.ts_ms, original.message.ts_ms);
  EXPECT_EQ(retry.message.id, "m1");

  const StoredRange range = read_room(*store, "a", 0);
  EXPECT_EQ(seqs(range), (std::vector<Seq>{1, 2}));
  EXPECT_EQ(range.head, 2u);
  EXPECT_EQ(metrics_.messages_in.value(), 2u);

  // Ids are scoped to their room, and an empty id is no id at all.
  EXPECT_FALSE(append(*store, "b", "m1").duplicate);
  EXPECT_FALSE(append(*store, "a", "").duplicate);
  EXPECT_FALSE(append(*store, "a", "").duplicate);
  EXPECT_EQ(read_room(*store, "a", 0).head, 4u);
}

// The first append's handler holds the writer thread until the rest are queued, so those are
// certain to be taken together into one transaction.
class HeldWriter {
 public:
  explicit HeldWriter(SqliteStore& store) {
    auto entered = std::make_shared<std::promise<void>>();
    auto entered_future = entered->get_future();
    auto release = release_.get_future().share();
    store.append({"hold", "", "{}"}, [entered, release](std::error_code, const AppendResult&) {
      entered->set_value();
      release.wait_for(kTimeout);
    });
    await(entered_future);
  }
  ~HeldWriter() { release(); }

  void release() {
    if (!released_) release_.set_value();
    released_ = true;
  }

 private:
  std::promise<void> release_;
  bool released_ = false;
};

TEST_F(SqliteStoreTest, RetryWithinOneBatchIsADuplicate) {
  auto store = open();
  HeldWriter held(*store);
  const std::uint64_t commits_before = store->commits();
  auto first = append_async(*store, "a", "k", "\"one\"");
  auto other = append_async(*store, "a", "x");
  auto retry = append_async(*store, "a", "k", "\"two\"");
  held.release();

  const Appended a = await(first);
  const Appended b = await(other);
  const Appended c = await(retry);
  EXPECT_EQ(store->commits(), commits_before + 1);
  EXPECT_FALSE(a.error);
  EXPECT_FALSE(c.error);
  EXPECT_FALSE(a.result.duplicate);
  EXPECT_EQ(b.result.message.seq, 2u);
  EXPECT_TRUE(c.result.duplicate);
  EXPECT_EQ(c.result.message.seq, a.result.message.seq);
  EXPECT_EQ(c.result.message.data, "\"one\"");
  EXPECT_EQ(seqs(read_room(*store, "a", 0)), (std::vector<Seq>{1, 2}));
}

TEST_F(SqliteStoreTest, ConcurrentAppendsAreGroupCommittedInSeqOrder) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 1250;
  constexpr int kTotal = kThreads * kPerThread;
  const std::vector<std::string> rooms = {"even", "odd"};
  auto store = open();

  std::mutex mutex;
  std::map<std::string, std::vector<Seq>> handled;  // per room, in handler call order
  int errors = 0;
  int duplicates = 0;
  std::promise<void> all_done;
  int remaining = kTotal;
  const auto caller = std::this_thread::get_id();
  bool on_caller_thread = false;

  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        store->append({rooms[i % 2], id, "{}"},
                      [&](std::error_code error, const AppendResult& result) {
                        std::lock_guard lock(mutex);
                        on_caller_thread = on_caller_thread || std::this_thread::get_id() == caller;
                        errors += error ? 1 : 0;
                        duplicates += result.duplicate ? 1 : 0;
                        handled[result.message.room].push_back(result.message.seq);
                        if (--remaining == 0) all_done.set_value();
                      });
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  auto done = all_done.get_future();
  await(done);

  std::lock_guard lock(mutex);
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(duplicates, 0);
  EXPECT_FALSE(on_caller_thread);
  for (const auto& room : rooms) {
    const auto& order = handled[room];
    ASSERT_EQ(order.size(), static_cast<std::size_t>(kTotal / 2)) << room;
    for (std::size_t i = 0; i < order.size(); ++i) {
      ASSERT_EQ(order[i], i + 1) << room;
    }
  }
  EXPECT_LT(store->commits(), static_cast<std::uint64_t>(kTotal / 10));
  EXPECT_EQ(metrics_.messages_in.value(), static_cast<std::uint64_t>(kTotal));
}

TEST_F(SqliteStoreTest, MaxBatchBoundsATransaction) {
  constexpr std::size_t kMaxBatch = 2;
  constexpr std::size_t kAppends = 6;
  auto store = open({.max_batch = kMaxBatch});
  HeldWriter held(*store);
  const std::uint64_t commits_before = store->commits();
  std::vector<std::future<Appended>> futures;
  futures.reserve(kAppends);
  for (std::size_t i = 0; i < kAppends; ++i) {
    futures.push_back(append_async(*store, "a", ""));
  }
  held.release();
  for (auto& future : futures) {
    EXPECT_FALSE(await(future).error);
  }
  EXPECT_EQ(store->commits(), commits_before + kAppends / kMaxBatch);
}

std::future<std::pair<std::error_code, std::vector<AppendResult>>> append_batch_async(
    MessageStore& store, std::vector<AppendRequest> requests) {
  auto promise =
      std::make_shared<std::promise<std::pair<std::error_code, std::vector<AppendResult>>>>();
  auto future = promise->get_future();
  store.append_batch(std::move(requests),
                     [promise](std::error_code error, std::vector<AppendResult> results) {
                       promise->set_value({error, std::move(results)});
                     });
  return future;
}

TEST_F(SqliteStoreTest, ABatchIsOneTransactionAnsweredInRequestOrder) {
  auto store = open({.max_batch = 2});
  append(*store, "a", "kept");
  const std::uint64_t commits_before = store->commits();
  auto future = append_batch_async(
      *store, {{"a", "", "1"}, {"b", "", "2"}, {"a", "kept", "3"}, {"a", "", "4"}});
  const auto [error, results] = await(future);
  ASSERT_FALSE(error) << error.message();
  ASSERT_EQ(results.size(), 4U);
  EXPECT_EQ(results[0].message.seq, 2U);
  EXPECT_EQ(results[1].message.seq, 1U);
  EXPECT_TRUE(results[2].duplicate);
  EXPECT_EQ(results[2].message.seq, 1U);
  EXPECT_EQ(results[3].message.seq, 3U);
  EXPECT_EQ(results[3].message.data, "4");
  // Over max_batch, and still not split.
  EXPECT_EQ(store->commits(), commits_before + 1);
}

constexpr std::size_t kRoomsPerCommit = 10;

// Appends `batches` batches of one `bytes`-byte message into each of ten rooms (a page per room
// at least), keeping up to `in_flight` of them queued: 1 leaves the writer idle between
// commits, more lets it commit back to back (one batch per transaction with `max_batch` =
// kRoomsPerCommit). Returns the largest size the WAL was seen at as they were answered.
std::uintmax_t largest_wal_over(MessageStore& store, const fs::path& wal, std::size_t batches,
                                std::size_t bytes, std::size_t in_flight) {
  const std::string data = "\"" + std::string(bytes, 'x') + "\"";
  std::deque<std::future<std::pair<std::error_code, std::vector<AppendResult>>>> answers;
  std::uintmax_t largest = 0;
  const auto answered = [&] {
    EXPECT_FALSE(await(answers.front()).first);
    answers.pop_front();
    largest = std::max(largest, fs::file_size(wal));
  };
  for (std::size_t b = 0; b < batches; ++b) {
    std::vector<AppendRequest> batch;
    for (std::size_t i = 0; i < kRoomsPerCommit; ++i)
      batch.push_back({"room-" + std::to_string(i), "", data});
    answers.push_back(append_batch_async(store, std::move(batch)));
    if (answers.size() == in_flight) answered();
  }
  while (!answers.empty())
    answered();
  return largest;
}

// The WAL's size in bytes once it holds `frames` pages of 4 KiB.
constexpr std::uintmax_t wal_bytes(int frames) {
  constexpr std::uintmax_t kHeader = 32;
  constexpr std::uintmax_t kFrame = 24 + 4096;
  return kHeader + static_cast<std::uintmax_t>(frames) * kFrame;
}

// A commit of kRoomsPerCommit messages of 2000 bytes writes up to about 60 pages: each payload
// overflows its leaf, and the trees deepen as the rooms fill.
constexpr int kPagesPerCommit = 64;

// The most the WAL may hold: the commit that crosses `restart_pages` wakes one last pass, and by
// the next wake, `background_pages` on, the writer has caught up after it or takes over; each
// of the two may come a commit late.
constexpr std::uintmax_t wal_bound(const WalCheckpointer::Options& options) {
  return wal_bytes(options.restart_pages + options.background_pages + 2 * kPagesPerCommit);
}

constexpr WalCheckpointer::Options kSmallWal{.background_pages = 16, .restart_pages = 128};

TEST_F(SqliteStoreTest, CheckpointsRunBesideTheCommitsAndKeepTheWalBounded) {
  constexpr std::size_t kBatches = 400;
  auto store = open({.sync_full = false, .checkpoint = kSmallWal});
  const std::uintmax_t largest_wal =
      largest_wal_over(*store, dir_ / "herald.db-wal", kBatches, 2000, 1);
  // The checkpointer runs on its own thread, so its first may finish after the last commit.
  const auto deadline = std::chrono::steady_clock::now() + kTimeout;
  while (metrics_.store_checkpoint_seconds.count() == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_GE(metrics_.store_checkpoint_seconds.count(), 1U);
  // 8 MB went through; without checkpoints that start the WAL over it would hold all of it.
  EXPECT_LE(largest_wal, wal_bound(kSmallWal));
  store.reset();
  store = open();
  EXPECT_EQ(read_room(*store, "room-3", 0).messages.size(), kBatches);
}

// Spins a thread on every core until destroyed: a machine with no idle time.
class BusyCores {
 public:
  BusyCores() {
    for (unsigned i = 0; i < std::max(1U, std::thread::hardware_concurrency()); ++i)
      threads_.emplace_back([](const std::stop_token& stop) {
        while (!stop.stop_requested()) {
        }
      });
  }

 private:
  std::vector<std::jthread> threads_;
};

TEST_F(SqliteStoreTest, TheWriterHoldsTheWalBoundWhenTheCheckpointerGetsNoCpu) {
  // The checkpointer works in idle time only; here its passes stall midway, holding the lock a
  // checkpoint needs. Without the writer taking over, the WAL grew to 18-28 MB.
  const BusyCores busy;
  auto store = open({.sync_full = false, .checkpoint = kSmallWal});
  const std::uintmax_t largest_wal = largest_wal_over(*store, dir_ / "herald.db-wal", 200, 2000, 1);
  EXPECT_LE(largest_wal, wal_bound(kSmallWal));
}

TEST_F(SqliteStoreTest, TheWriterFinishesABackgroundCheckpointSoTheWalStartsOver) {
  // Back-to-back commits of about a dozen pages wake the checkpointer every few commits, and each
  // of its passes overlaps the next commits, so none reaches the WAL's end. The writer's catch-up
  // after a pass lets the WAL start over: without it, the WAL grew to about 7 MB, starting over
  // only when a pass lagged and the writer took over.
  constexpr WalCheckpointer::Options kOptions{.background_pages = 64, .restart_pages = 128};
  auto store = open({.sync_full = false, .max_batch = kRoomsPerCommit, .checkpoint = kOptions});
  const std::uintmax_t largest_wal =
      largest_wal_over(*store, dir_ / "herald.db-wal", 400, 200, 400);
  EXPECT_LE(largest_wal, wal_bound(kOptions));
}

TEST_F(SqliteStoreTest, SurvivesReopening) {
  {
    auto store = open();
    append(*store, "a", "first", "\"1\"");
    append(*store, "a");
    append(*store, "b");
  }
  auto store = open();
  EXPECT_EQ(append(*store, "a").message.seq, 3u);
  EXPECT_EQ(append(*store, "b").message.seq, 2u);
  const AppendResult retry = append(*store, "a", "first", "\"again\"");
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.message.seq, 1u);
  EXPECT_EQ(retry.message.data, "\"1\"");
  EXPECT_EQ(seqs(read_room(*store, "a", 0)), (std::vector<Seq>{1, 2, 3}));
}

TEST_F(SqliteStoreTest, DestructorFinishesQueuedAppends) {
  constexpr int kCount = 500;
  std::vector<std::future<Appended>> futures;
  {
    auto store = open();
    for (int i = 0; i < kCount; ++i) {
      futures.push_back(append_async(*store, "a", ""));
    }
  }
  for (auto& future : futures) {
    ASSERT_EQ(future.wait_for(0s), std::future_status::ready);
    EXPECT_FALSE(future.get().error);
  }
  auto store = open();
  EXPECT_EQ(read_room(*store, "a", 0).head, static_cast<Seq>(kCount));
}

TEST_F(SqliteStoreTest, RetentionByCountKeepsTheNewest) {
  auto store = open({.retention_messages = 3});
  for (int i = 0; i < 10; ++i) {
    append(*store, "a");
  }
  append(*store, "b");

  StoredRange range = read_until(*store, "a", [](auto& r) { return r.first_retained == 8; });
  EXPECT_EQ(range.first_retained, 8u);
  EXPECT_EQ(range.head, 10u);
  EXPECT_EQ(seqs(range), (std::vector<Seq>{8, 9, 10}));

  append(*store, "a");
  range = read_until(*store, "a", [](auto& r) { return r.first_retained == 9; });
  EXPECT_EQ(seqs(range), (std::vector<Seq>{9, 10, 11}));
  EXPECT_EQ(seqs(read_room(*store, "b", 0)), (std::vector<Seq>{1}));
}

TEST_F(SqliteStoreTest, LoweredCountLimitAppliesToRoomsNotWrittenSinceReopening) {
  {
    auto store = open();
    for (int i = 0; i < 5; ++i) {
      append(*store, "a");
    }
  }
  auto store = open({.retention_messages = 2});
  const StoredRange range = read_until(*store, "a", [](auto& r) { return r.first_retained == 4; });
  EXPECT_EQ(seqs(range), (std::vector<Seq>{4, 5}));
}

TEST_F(SqliteStoreTest, RetentionByAgeDeletesAContiguousPrefix) {
  {
    auto store = open();
    for (int i = 0; i < 5; ++i) {
      append(*store, "a");
    }
    append(*store, "b");
  }
  // Expired: seq 1 and 3 two hours old, seq 2 three (out of order, as after a clock step).
  exec_sql(file(), backdate("a", "1, 3", 2h) + backdate("a", "2", 3h));

  auto store = open({.retention_age = 1h});
  const StoredRange range = read_until(*store, "a", [](auto& r) { return r.first_retained > 1; });
  EXPECT_EQ(range.first_retained, 4u);
  EXPECT_EQ(seqs(range), (std::vector<Seq>{4, 5}));
  EXPECT_EQ(range.head, 5u);
  EXPECT_EQ(seqs(read_room(*store, "b", 0)), (std::vector<Seq>{1}));
}

TEST_F(SqliteStoreTest, RetentionByAgeLeavesTheUnexpiredTail) {
  {
    auto store = open();
    for (int i = 0; i < 6; ++i) {
      append(*store, "a");
    }
  }
  exec_sql(file(), backdate("a", "1", 3h) + backdate("a", "2, 3", 2h) + backdate("a", "4", 30min));

  auto store = open({.retention_age = 1h});
  const StoredRange range = read_until(*store, "a", [](auto& r) { return r.first_retained > 1; });
  EXPECT_EQ(range.first_retained, 4u);
  EXPECT_EQ(seqs(range), (std::vector<Seq>{4, 5, 6}));
  EXPECT_EQ(range.head, 6u);
  EXPECT_EQ(oldest_ts(file(), "a"), message_ts(file(), "a", 4));
}

// Retention is a lower bound: a message is deleted only once every message before it expired.
TEST_F(SqliteStoreTest, RetentionByAgeKeepsExpiredMessagesAfterAnUnexpiredOne) {
  {
    auto store = open();
    for (int i = 0; i < 3; ++i) {
      append(*store, "a");
    }
    append(*store, "b");
  }
  // As if the clock stepped back two hours between seq 1 and 2.
  exec_sql(file(), backdate("a", "2, 3", 2h) + backdate("b", "1", 2h));

  auto store = open({.retention_age = 1h});
  // The prune that empties b is the one that saw a, in the same transaction.
  read_until(*store, "b", [](auto& r) { return r.messages.empty(); });
  const StoredRange range = read_room(*store, "a", 0);
  EXPECT_EQ(range.first_retained, 1u);
  EXPECT_EQ(seqs(range), (std::vector<Seq>{1, 2, 3}));
}

TEST_F(SqliteStoreTest, RoomWhoseMessagesAllExpiredKeepsItsHead) {
  auto store = open({.retention_age = 1s});
  for (int i = 0; i < 3; ++i) {
    append(*store, "a");
  }
  StoredRange range = read_until(*store, "a", [](auto& r) { return r.messages.empty(); });
  EXPECT_TRUE(range.messages.empty());
  EXPECT_EQ(range.head, 3u);
  EXPECT_EQ(range.first_retained, 4u);
  EXPECT_EQ(oldest_ts(file(), "a"), std::nullopt);

  // The writer knows the room is empty again, so the next message's age is tracked too.
  EXPECT_EQ(append(*store, "a").message.seq, 4u);
  range = read_until(*store, "a", [](auto& r) { return r.head == 4 && r.messages.empty(); });
  EXPECT_TRUE(range.messages.empty());
  EXPECT_EQ(range.head, 4u);
  EXPECT_EQ(range.first_retained, 5u);
}

TEST_F(SqliteStoreTest, SeqIsNeverReusedAfterRetentionDeletedEverything) {
  {
    auto store = open({.retention_age = 1s});
    append(*store, "a", "gone");
    append(*store, "a");
    append(*store, "a");
    const StoredRange range = read_until(*store, "a", [](auto& r) { return r.messages.empty(); });
    EXPECT_TRUE(range.messages.empty());
    EXPECT_EQ(range.head, 3u);
    EXPECT_EQ(range.first_retained, 4u);
  }
  auto store = open();
  EXPECT_EQ(read_room(*store, "a", 0).head, 3u);
  EXPECT_EQ(append(*store, "a").message.seq, 4u);
  // Its message is gone, so the id is forgotten with it.
  const AppendResult again = append(*store, "a", "gone");
  EXPECT_FALSE(again.duplicate);
  EXPECT_EQ(again.message.seq, 5u);
}

// Version 0, before rooms kept their oldest ts: every message was indexed by ts instead.
constexpr std::string_view kSchemaVersion0 = R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS rooms(
  room TEXT PRIMARY KEY,
  head INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages(
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY(room, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_id ON messages(room, id) WHERE id != '';
CREATE INDEX IF NOT EXISTS messages_by_ts ON messages(ts);
)sql";

TEST_F(SqliteStoreTest, FileWithTheOldSchemaIsMigrated) {
  const std::string old_ts = std::to_string(ms_ago(2h));
  const std::string new_ts = std::to_string(ms_ago(0ms));
  // a: seq 1-2 expired; b: nothing expired; c: every message already deleted.
  exec_sql(file(), std::string(kSchemaVersion0) +
                       "INSERT INTO rooms VALUES('a', 4), ('b', 2), ('c', 7);"
                       "INSERT INTO messages VALUES"
                       "('a', 1, 'a1', " +
                       old_ts + ", '{}'), ('a', 2, '', " + old_ts +
                       ", '{}'),"
                       "('a', 3, '', " +
                       new_ts + ", '{}'), ('a', 4, '', " + new_ts +
                       ", '{}'),"
                       "('b', 1, '', " +
                       new_ts + ", '{}'), ('b', 2, 'b2', " + new_ts + ", '{}');");

  auto store = open({.retention_age = 1h});
  EXPECT_EQ(query_sql(file(), "PRAGMA user_version"), 2);
  EXPECT_EQ(oldest_ts(file(), "b"), std::stoll(new_ts));
  EXPECT_EQ(oldest_ts(file(), "c"), std::nullopt);

  const StoredRange a = read_until(*store, "a", [](auto& r) { return r.first_retained > 1; });
  EXPECT_EQ(a.first_retained, 3u);
  EXPECT_EQ(seqs(a), (std::vector<Seq>{3, 4}));
  EXPECT_EQ(a.head, 4u);
  EXPECT_EQ(seqs(read_room(*store, "b", 0)), (std::vector<Seq>{1, 2}));
  EXPECT_EQ(append(*store, "a").message.seq, 5u);
  EXPECT_TRUE(append(*store, "b", "b2").duplicate);
  EXPECT_EQ(append(*store, "c").message.seq, 8u);
  EXPECT_EQ(oldest_ts(file(), "c"), message_ts(file(), "c", 8));

  store.reset();
  store = open();
  EXPECT_EQ(seqs(read_room(*store, "c", 0)), (std::vector<Seq>{8}));
}

TEST_F(SqliteStoreTest, MessagesAreNotIndexedByTs) {
  auto store = open();
  append(*store, "a");
  EXPECT_EQ(query_sql(file(), "SELECT COUNT(*) FROM sqlite_master WHERE name = 'messages_by_ts'"),
            0);
  EXPECT_EQ(query_sql(file(), "PRAGMA user_version"), 2);
}

TEST_F(SqliteStoreTest, AHeadIsTheNewestSeqUntilAPruneSavesIt) {
  {
    auto store = open({.retention_messages = 3});
    for (int i = 0; i < 5; ++i)
      append(*store, "a");
    // The row was written with the first message only; the messages carry the head since.
    EXPECT_EQ(query_sql(file(), "SELECT head FROM rooms WHERE room = 'a'"), 1);
    EXPECT_EQ(read_room(*store, "a", 0).head, 5u);
    // The count prune deletes 1 and 2, and the row takes the head.
    const StoredRange pruned =
        read_until(*store, "a", [](const StoredRange& r) { return r.first_retained == 3; });
    EXPECT_EQ(pruned.head, 5u);
    EXPECT_EQ(query_sql(file(), "SELECT head FROM rooms WHERE room = 'a'"), 5);
    append(*store, "a");
  }
  // A file of version 1, whose heads were all written, opens and goes on.
  exec_sql(file(), "PRAGMA user_version = 1");
  auto store = open();
  EXPECT_EQ(query_sql(file(), "PRAGMA user_version"), 2);
  EXPECT_EQ(read_room(*store, "a", 0).head, 6u);
  EXPECT_EQ(append(*store, "a").message.seq, 7u);
}

TEST_F(SqliteStoreTest, NewerSchemaVersionIsRefused) {
  { open(); }
  exec_sql(file(), "PRAGMA user_version = 3");
  try {
    open();
    FAIL() << "opened a file with a newer schema";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 3"), std::string::npos) << e.what();
  }
}

TEST_F(SqliteStoreTest, ReadReturnsAConsistentSnapshot) {
  auto store = open();
  StoredRange range = read_room(*store, "nowhere", 0);
  EXPECT_TRUE(range.messages.empty());
  EXPECT_EQ(range.head, 0u);
  EXPECT_EQ(range.first_retained, 1u);

  for (int i = 0; i < 5; ++i) {
    append(*store, "a");
  }

  range = read_room(*store, "a", 0, 2);
  EXPECT_EQ(seqs(range), (std::vector<Seq>{1, 2}));
  EXPECT_EQ(range.head, 5u);
  EXPECT_EQ(range.first_retained, 1u);

  EXPECT_EQ(seqs(read_room(*store, "a", 3, 10)), (std::vector<Seq>{4, 5}));

  range = read_room(*store, "a", 2, 0);
  EXPECT_TRUE(range.messages.empty());
  EXPECT_EQ(range.head, 5u);

  for (const Seq after : {Seq{5}, Seq{99}, ~Seq{0}}) {
    range = read_room(*store, "a", after);
    EXPECT_TRUE(range.messages.empty()) << after;
    EXPECT_EQ(range.head, 5u) << after;
    EXPECT_EQ(range.first_retained, 1u) << after;
  }
}

TEST_F(SqliteStoreTest, ReadHandlerRunsOnAnotherThread) {
  auto store = open();
  std::promise<std::thread::id> promise;
  auto future = promise.get_future();
  store->read("a", 0, 10, [&promise](std::error_code, const StoredRange&) {
    promise.set_value(std::this_thread::get_id());
  });
  EXPECT_NE(await(future), std::this_thread::get_id());
}

TEST_F(SqliteStoreTest, FailedCommitFailsTheWholeBatchAndKeepsSeqGapless) {
  { open(); }  // creates the schema the trigger needs
  exec_sql(file(),
           "CREATE TRIGGER fail BEFORE INSERT ON messages WHEN NEW.data = '\"boom\"' "
           "BEGIN SELECT RAISE(ABORT, 'boom'); END");
  auto store = open();
  EXPECT_EQ(append(*store, "a").message.seq, 1u);

  HeldWriter held(*store);
  auto good = append_async(*store, "a", "good");
  auto bad = append_async(*store, "a", "", "\"boom\"");
  held.release();
  EXPECT_EQ(await(good).error, std::errc::io_error);
  EXPECT_EQ(await(bad).error, std::errc::io_error);
  EXPECT_EQ(metrics_.store_errors.value(), 1u);

  // Nothing of the failed batch remains: the next seq is 2 and the id is free.
  const AppendResult next = append(*store, "a", "good");
  EXPECT_FALSE(next.duplicate);
  EXPECT_EQ(next.message.seq, 2u);
  EXPECT_EQ(seqs(read_room(*store, "a", 0)), (std::vector<Seq>{1, 2}));
}

TEST_F(SqliteStoreTest, OpenFailsClearly) {
  try {
    SqliteStore store(dir_ / "missing" / "herald.db", {}, metrics_);
    FAIL() << "opened a file in a missing directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }

  std::ofstream(file()) << "this is not an SQLite database, it is a long enough line of text\n";
  EXPECT_THROW(open(), std::runtime_error);
}

}  // namespace
}  // namespace herald
