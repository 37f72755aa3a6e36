#include "store/store_sqlite.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/thread_name.hpp"
#include "store/job_queue.hpp"
#include "store/sqlite_connection.hpp"
#include "store/wal_checkpointer.hpp"

namespace herald {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using sqlite::Connection;
using sqlite::Query;
using sqlite::rollback_if_open;
using sqlite::Statement;

constexpr auto kPruneInterval = std::chrono::seconds(1);
// Reads taken off the queue at once; each still runs in its own transaction.
constexpr std::size_t kReadBatch = 64;

// Recorded in PRAGMA user_version. Version 0 indexed every message by ts for the age prune;
// version 1 keeps each room's oldest ts instead, so an append costs one index update less.
// Version 2 has the same tables, but rooms.head is written only when a room's first message
// arrives and when a prune deletes: a build that reads it as the head must not open the file.
constexpr int kSchemaVersion = 2;

// A room's head, in a query over `rooms`: the newest seq its messages show, or, once a prune has
// deleted them, what its row kept.
constexpr std::string_view kHead =
    "max(head, ifnull((SELECT MAX(seq) FROM messages WHERE messages.room = rooms.room), 0))";

// rooms.oldest_ts is the ts of the room's first stored message (by seq), NULL when it has none.
constexpr std::string_view kSchema = R"sql(
CREATE TABLE rooms(
  room TEXT PRIMARY KEY,
  head INTEGER NOT NULL,
  oldest_ts INTEGER
) WITHOUT ROWID;
CREATE INDEX rooms_by_oldest_ts ON rooms(oldest_ts);
CREATE TABLE messages(
  room TEXT NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY(room, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_by_id ON messages(room, id) WHERE id != '';
)sql";

constexpr std::string_view kMigrateFrom0 = R"sql(
ALTER TABLE rooms ADD COLUMN oldest_ts INTEGER;
UPDATE rooms SET oldest_ts =
  (SELECT ts FROM messages WHERE messages.room = rooms.room ORDER BY seq LIMIT 1);
CREATE INDEX rooms_by_oldest_ts ON rooms(oldest_ts);
DROP INDEX IF EXISTS messages_by_ts;
)sql";

std::int64_t now_ms() {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  return duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// SQLite integers are signed; no real seq or limit comes near the clamp.
std::int64_t to_db(std::uint64_t value) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(value, kMax));
}

int schema_version(const Connection& db) {
  const Statement pragma(db, "PRAGMA user_version");
  Query query(pragma);
  return query.step() ? static_cast<int>(query.integer(0)) : 0;
}

// Version 0 has no number of its own: only its tables tell it from a new file.
bool has_tables(const Connection& db) {
  const Statement tables(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1");
  return Query(tables).step();
}

// In one transaction: a failed or interrupted upgrade leaves the file as it was.
void upgrade_schema(Connection& db) {
  const Statement rollback(db, "ROLLBACK");
  db.exec("BEGIN IMMEDIATE");
  try {
    const int version = schema_version(db);
    if (version > kSchemaVersion) {
      throw std::runtime_error("schema version " + std::to_string(version) +
                               " is newer than this build's " + std::to_string(kSchemaVersion));
    }
    if (version == 0) db.exec(has_tables(db) ? kMigrateFrom0 : kSchema);
    // From 1 nothing moves: every head it wrote is still right.
    if (version < kSchemaVersion) {
      db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
    }
    db.exec("COMMIT");
  } catch (const std::exception&) {
    rollback_if_open(db, rollback);
    throw;
  }
}

Connection open_for_writing(const fs::path& file, const SqliteStoreOptions& options) {
  Connection db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  {
    // The pragma answers the mode in effect, which stays the old one where WAL is impossible.
    const Statement wal(db, "PRAGMA journal_mode=WAL");
    Query query(wal);
    if (!query.step() || query.text(0) != "wal") throw std::runtime_error("WAL mode unavailable");
  }
  db.exec(options.sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  upgrade_schema(db);
  return db;
}

struct PendingAppend {
  std::vector<AppendRequest> requests;
  MessageStore::BatchHandler done;
};

struct PendingRead {
  std::string room;
  Seq after = 0;
  std::size_t limit = 0;
  MessageStore::ReadHandler done;
};

// What a job weighs against a queue's `max`: appends count one per message.
std::size_t weight(const PendingAppend& append) {
  return append.requests.size();
}
std::size_t weight(const PendingRead& /*read*/) {
  return 1;
}

}  // namespace

class SqliteStore::Writer {
 public:
  Writer(const fs::path& file, const SqliteStoreOptions& options, Metrics& metrics)
      : options_(options),
        metrics_(metrics),
        db_(open_for_writing(file, options)),
        checkpointer_(file, db_, options.sync_full, metrics, options.checkpoint) {
    options_.max_batch = std::max<std::size_t>(options_.max_batch, 1);
    thread_ = std::thread([this] {
      name_this_thread("store-writer");
      run();
    });
  }

  ~Writer() { stop(); }

  // Refuses new appends, commits and answers the queued ones, then returns.
  void stop() {
    queue_.close();
    if (thread_.joinable()) thread_.join();
  }

  bool push(PendingAppend& append) { return queue_.push(append); }
  std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }

 private:
  using Rooms = std::unordered_set<std::string>;

  // A room's row in `rooms`, as committed or about to be.
  struct CachedRoom {
    Seq head = 0;
    bool stored = false;  // has stored messages, so its oldest_ts is set
  };

  void run() {
    while (auto batch = queue_.take(options_.max_batch, next_prune_)) {
      if (!batch->empty()) commit(*batch);
      checkpointer_.catch_up();
      prune_if_due();
    }
  }

  void commit(std::vector<PendingAppend>& batch) {
    const auto started = Clock::now();
    Rooms touched;
    std::vector<std::vector<AppendResult>> results;
    try {
      Query(begin_).step();
      results = write(batch, now_ms(), touched);
      Query(commit_).step();
    } catch (const std::exception& e) {
      fail_batch(batch, touched, e.what());
      return;
    }
    metrics_.store_commit_seconds.observe(
        std::chrono::duration<double>(Clock::now() - started).count());
    commits_.fetch_add(1, std::memory_order_relaxed);
    count_stored(results);
    note_over_limit(touched);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      batch[i].done({}, std::move(results[i]));
    }
  }

  // A room's message count is at most its head, since seqs start at 1: only rooms whose head
  // has passed the limit can need a count prune. With many young rooms (chat rooms, users'
  // channels) that keeps the prune to the few it concerns, where a pass over every room written
  // to in the last second held the writer, and every publish waiting on it, for milliseconds.
  void note_over_limit(const Rooms& touched) {
    const Seq keep = options_.retention_messages;
    if (keep == 0) return;
    for (const auto& room : touched) {
      if (heads_.at(room).head > keep) over_limit_.insert(room);
    }
  }

  void count_stored(const std::vector<std::vector<AppendResult>>& results) {
    std::uint64_t stored = 0;
    for (const auto& job : results)
      stored += static_cast<std::uint64_t>(std::count_if(
          job.begin(), job.end(), [](const AppendResult& r) { return !r.duplicate; }));
    metrics_.messages_in.add(stored);
  }

  // Runs inside the transaction; `touched` collects the rooms whose cached head moved. Moves the
  // payloads out of the requests: they are not needed again, whatever the outcome.
  std::vector<std::vector<AppendResult>> write(std::vector<PendingAppend>& batch,
                                               std::int64_t ts_ms, Rooms& touched) {
    std::vector<std::vector<AppendResult>> results(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      results[i].reserve(batch[i].requests.size());
      for (AppendRequest& request : batch[i].requests)
        results[i].push_back(write_one(request, ts_ms, touched));
    }
    for (const auto& room : touched) {
      save_head(room);
    }
    return results;
  }

  AppendResult write_one(AppendRequest& request, std::int64_t ts_ms, Rooms& touched) {
    // The lookup also sees rows inserted earlier in this (uncommitted) transaction, which makes
    // a retry within the same batch a duplicate too.
    if (auto original = find_by_id(request.room, request.id)) return {std::move(*original), true};
    Seq& head = cached_head(request.room);
    Message message{std::move(request.room), head + 1, std::move(request.id),
                    std::move(request.data), ts_ms};
    Query(insert_)
        .bind(message.room)
        .bind(to_db(message.seq))
        .bind(message.id)
        .bind(message.ts_ms)
        .bind(message.data)
        .step();
    touched.insert(message.room);
    head = message.seq;
    return {std::move(message), false};
  }

  std::optional<Message> find_by_id(const std::string& room, const std::string& id) {
    if (id.empty()) return std::nullopt;
    Query query(find_by_id_);
    if (!query.bind(room).bind(id).step()) return std::nullopt;
    return Message{room, query.seq(0), id, query.text(2), query.integer(1)};
  }

  Seq& cached_head(const std::string& room) { return cached_room(room).head; }

  CachedRoom& cached_room(const std::string& room) {
    const auto found = heads_.find(room);
    if (found != heads_.end()) return found->second;
    Query query(load_head_);
    CachedRoom loaded;
    if (query.bind(room).step()) loaded = {query.seq(0), !query.null(1)};
    return heads_.emplace(room, loaded).first->second;
  }

  // Writes the room's row only when its first stored message arrives (head and oldest_ts):
  // while a room has messages, its newest seq is its head, so a commit into it touches the
  // messages' pages alone. The row's head catches up when a prune deletes (delete_through).
  void save_head(const std::string& room) {
    CachedRoom& cached = heads_.at(room);
    if (cached.stored) return;
    Query(save_first_head_).bind(room).bind(to_db(cached.head)).step();
    cached.stored = true;
  }

  void fail_batch(std::vector<PendingAppend>& batch, const Rooms& touched, const char* what) {
    rollback_if_open(db_, rollback_);
    // Reloaded from the (rolled back) table on next use.
    for (const auto& room : touched) {
      heads_.erase(room);
    }
    metrics_.store_errors.add();
    spdlog::error("message store: commit of {} appends failed: {}", batch.size(), what);
    for (auto& pending : batch) {
      pending.done(std::make_error_code(std::errc::io_error), {});
    }
  }

  void prune_if_due() {
    if (Clock::now() < next_prune_) return;
    next_prune_ = Clock::now() + kPruneInterval;
    try {
      Query(begin_).step();
      prune_by_age();
      prune_by_count();
      Query(commit_).step();
    } catch (const std::exception& e) {
      rollback_if_open(db_, rollback_);
      // The cache may record deletions that were just rolled back: reload it from the table.
      heads_.clear();
      metrics_.store_errors.add();
      spdlog::warn("message store: retention pruning failed: {}", e.what());
      return;
    }
    over_limit_.clear();
    swept_all_ = true;
  }

  // Deletes, per room with an expired oldest message, the leading run of expired messages, so a
  // room's messages stay one contiguous seq range. The age is thus a lower bound: if the clock
  // stepped back, a message may outlive it until the messages before it expire too.
  void prune_by_age() {
    if (options_.retention_age.count() <= 0) return;
    const auto age_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention_age);
    const std::int64_t cutoff = now_ms() - age_ms.count();
    for (const auto& room : rooms_expired(cutoff)) {
      delete_through(room, last_expired(room, cutoff));
    }
  }

  std::vector<std::string> rooms_expired(std::int64_t cutoff) {
    std::vector<std::string> rooms;
    Query query(rooms_expired_);
    query.bind(cutoff);
    while (query.step()) {
      rooms.push_back(query.text(0));
    }
    return rooms;
  }

  // The seq before the room's first unexpired message, or every seq if none is left.
  Seq last_expired(const std::string& room, std::int64_t cutoff) {
    Query query(first_unexpired_);
    if (!query.bind(room).bind(cutoff).step()) return std::numeric_limits<Seq>::max();
    return query.seq(0) - 1;
  }

  // Only rooms appended to past the limit since the last prune can exceed it, except on the
  // first pass (the limit may have been lowered since the file was last open).
  void prune_by_count() {
    const Seq keep = options_.retention_messages;
    if (keep == 0) return;
    for (const auto& [room, head] : count_candidates()) {
      if (head > keep) delete_through(room, head - keep);
    }
  }

  std::vector<std::pair<std::string, Seq>> count_candidates() {
    std::vector<std::pair<std::string, Seq>> rooms;
    if (swept_all_) {
      for (const auto& room : over_limit_) {
        rooms.emplace_back(room, cached_head(room));
      }
      return rooms;
    }
    Query query(all_heads_);
    while (query.step()) {
      rooms.emplace_back(query.text(0), query.seq(1));
    }
    return rooms;
  }

  // Deleting from the front of a room moves its oldest message, or leaves it with none; its row
  // then takes the head, which the messages left may no longer show.
  void delete_through(const std::string& room, Seq seq) {
    Query(delete_through_).bind(room).bind(to_db(seq)).step();
    // Nothing deleted (the count prune revisits rooms already within their limit): leave
    // the row, and the index on oldest_ts, alone.
    if (sqlite3_changes(db_.get()) == 0) return;
    const Seq head = cached_head(room);
    Query query(refresh_row_);
    const bool stored = query.bind(room).bind(to_db(head)).step() && !query.null(0);
    // A room not cached loads this with its head on first use.
    const auto found = heads_.find(room);
    if (found != heads_.end()) found->second.stored = stored;
  }

  SqliteStoreOptions options_;
  Metrics& metrics_;
  Connection db_;
  WalCheckpointer checkpointer_;
  Statement begin_{db_, "BEGIN IMMEDIATE"};
  Statement commit_{db_, "COMMIT"};
  Statement rollback_{db_, "ROLLBACK"};
  // `id != ''` lets SQLite use the partial index.
  Statement find_by_id_{
      db_, "SELECT seq, ts, data FROM messages WHERE room = ?1 AND id = ?2 AND id != ''"};
  Statement insert_{db_,
                    "INSERT INTO messages(room, seq, id, ts, data) VALUES(?1, ?2, ?3, ?4, ?5)"};
  Statement load_head_{db_,
                       "SELECT " + std::string(kHead) + ", oldest_ts FROM rooms WHERE room = ?1"};
  // Reads the ts back rather than taking the commit's: it stays right however appends get theirs.
  Statement save_first_head_{
      db_,
      "INSERT INTO rooms(room, head, oldest_ts) VALUES(?1, ?2, "
      "(SELECT ts FROM messages WHERE room = ?1 ORDER BY seq LIMIT 1)) "
      "ON CONFLICT(room) DO UPDATE SET head = excluded.head, oldest_ts = excluded.oldest_ts"};
  Statement rooms_expired_{db_, "SELECT room FROM rooms WHERE oldest_ts < ?1"};
  // Walks the room in seq order from its oldest message: reads only the expired ones and the
  // first one kept.
  Statement first_unexpired_{
      db_, "SELECT seq FROM messages WHERE room = ?1 AND ts >= ?2 ORDER BY seq LIMIT 1"};
  Statement refresh_row_{db_,
                         "UPDATE rooms SET head = ?2, oldest_ts = "
                         "(SELECT ts FROM messages WHERE room = ?1 ORDER BY seq LIMIT 1) "
                         "WHERE room = ?1 RETURNING oldest_ts"};
  Statement all_heads_{db_, "SELECT room, " + std::string(kHead) + " FROM rooms"};
  Statement delete_through_{db_, "DELETE FROM messages WHERE room = ?1 AND seq <= ?2"};

  // Loaded on first use; right because only this thread writes.
  std::unordered_map<std::string, CachedRoom> heads_;
  Rooms over_limit_;  // appended to since the last successful prune, head past the count limit
  bool swept_all_ = false;
  Clock::time_point next_prune_ = Clock::now() + kPruneInterval;
  std::atomic<std::uint64_t> commits_{0};
  JobQueue<PendingAppend> queue_;
  std::thread thread_;  // last: starts once everything above exists
};

class SqliteStore::Reader {
 public:
  Reader(const fs::path& file, Metrics& metrics)
      : metrics_(metrics), db_(file, SQLITE_OPEN_READONLY) {
    thread_ = std::thread([this] {
      name_this_thread("store-reader");
      run();
    });
  }

  ~Reader() { stop(); }

  // Refuses new reads, answers the queued ones, then returns.
  void stop() {
    queue_.close();
    if (thread_.joinable()) thread_.join();
  }

  bool push(PendingRead& read) { return queue_.push(read); }

 private:
  void run() {
    while (auto jobs = queue_.take(kReadBatch)) {
      for (auto& job : *jobs) {
        serve(job);
      }
    }
  }

  void serve(PendingRead& job) {
    StoredRange range;
    try {
      Query(begin_).step();
      range = snapshot(job);
      Query(end_).step();
    } catch (const std::exception& e) {
      rollback_if_open(db_, end_);
      metrics_.store_errors.add();
      spdlog::error("message store: read of room {} failed: {}", job.room, e.what());
      job.done(std::make_error_code(std::errc::io_error), {});
      return;
    }
    job.done({}, std::move(range));
  }

  // Runs inside one read transaction, so head, messages and first_retained agree.
  StoredRange snapshot(const PendingRead& job) {
    StoredRange range;
    {
      Query query(head_);
      if (query.bind(job.room).step()) range.head = query.seq(0);
    }
    {
      Query query(messages_);
      query.bind(job.room).bind(to_db(job.after)).bind(to_db(job.limit));
      while (query.step()) {
        range.messages.push_back(
            Message{job.room, query.seq(0), query.text(1), query.text(3), query.integer(2)});
      }
    }
    Query query(first_);
    const bool any = query.bind(job.room).step() && !query.null(0);
    range.first_retained = any ? query.seq(0) : range.head + 1;
    return range;
  }

  Metrics& metrics_;
  Connection db_;
  Statement begin_{db_, "BEGIN"};
  Statement end_{db_, "COMMIT"};
  Statement head_{db_, "SELECT " + std::string(kHead) + " FROM rooms WHERE room = ?1"};
  Statement messages_{db_,
                      "SELECT seq, id, ts, data FROM messages WHERE room = ?1 AND seq > ?2 "
                      "ORDER BY seq LIMIT ?3"};
  Statement first_{db_, "SELECT MIN(seq) FROM messages WHERE room = ?1"};
  JobQueue<PendingRead> queue_;
  std::thread thread_;  // last: starts once everything above exists
};

SqliteStore::SqliteStore(const fs::path& file, SqliteStoreOptions options, Metrics& metrics) {
  try {
    // The writer first: it creates the file and schema the read-only connection needs.
    writer_ = std::make_unique<Writer>(file, options, metrics);
    reader_ = std::make_unique<Reader>(file, metrics);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot open message store " + file.string() + ": " + e.what());
  }
}

// Stopped before being destroyed, so a handler that calls append() or read() meanwhile still
// finds both objects. Appends first: their handlers may queue reads, which are then answered.
SqliteStore::~SqliteStore() {
  writer_->stop();
  reader_->stop();
}

void SqliteStore::append_batch(std::vector<AppendRequest> requests, BatchHandler done) {
  PendingAppend pending{std::move(requests), std::move(done)};
  if (!writer_->push(pending)) {
    pending.done(std::make_error_code(std::errc::operation_canceled), {});
  }
}

void SqliteStore::read(std::string room, Seq after, std::size_t limit, ReadHandler done) {
  PendingRead pending{std::move(room), after, limit, std::move(done)};
  if (!reader_->push(pending)) {
    pending.done(std::make_error_code(std::errc::operation_canceled), {});
  }
}

std::uint64_t SqliteStore::commits() const {
  return writer_->commits();
}

}  // namespace herald
