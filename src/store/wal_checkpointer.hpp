#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/metrics.hpp"
#include "store/sqlite_connection.hpp"

namespace herald {

// Checkpoints a WAL database from a thread of its own, so that commits do not wait for it.
//
// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that commit,
// and every publish waiting on it, stalls while pages are copied into the database file and the
// file is synced. Here the writer connection's WAL hook only wakes this thread, which runs a
// PASSIVE checkpoint on its own connection while the writer goes on committing.
//
// A passive checkpoint cannot reach frames committed while it runs, and the WAL only starts over
// from its beginning once every frame is in the database. So the commit that crosses
// `restart_pages` wakes one last pass, and the writer copies the few frames that pass left,
// between two commits (`catch_up`); its next commit starts the WAL over. The commits then write
// over blocks the file already has, whose sync costs the disk about half that of blocks that
// grow the file. Each start-over costs the writer that catch-up, a sync of the database file
// included: at a quarter of this size, batched durable publishes lost 5-10 % of their rate.
//
// The thread runs as SCHED_IDLE, in the CPU's idle time only. A pass copies about a thousand
// pages in one go, milliseconds of CPU, and at the ordinary policy an event loop sharing the core
// waited behind it for up to a scheduler tick. On a core with no idle time a pass may then stall
// midway, holding SQLite's checkpoint lock. So when a wake finds the pass for the previous one
// still running, the writer takes over: between two commits it interrupts the pass and
// checkpoints everything itself, and the WAL starts over. The WAL stays within about
// `restart_pages` plus a wake and two commits, unless a reader holds an old snapshot.
class WalCheckpointer {
 public:
  struct Options {
    int background_pages = 1000;  // new WAL frames that wake the checkpointer (SQLite's default)
    int restart_pages = 16384;    // WAL size (64 MiB) past which the writer catches up
  };

  // Replaces `writer`'s automatic checkpoint. `writer` must outlive this object, and commit
  // nothing once it is being destroyed.
  WalCheckpointer(const std::filesystem::path& file, sqlite::Connection& writer, bool sync_full,
                  Metrics& metrics, Options options);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // On the writer's thread, between transactions: once the WAL has passed `restart_pages`,
  // copies what the last background pass could not reach; if the thread lags a wake behind,
  // stops its pass and copies everything. Costs nothing otherwise.
  void catch_up();

 private:
  static int on_commit(void* self, sqlite3* writer, const char* schema, int pages);
  void committed(int pages);
  void take_over();
  void run(const std::stop_token& stop);
  bool checkpoint();  // whether the pass copied every frame it could reach

  sqlite::Connection& writer_;
  Metrics& metrics_;
  Options options_;
  sqlite::Connection db_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::timed_mutex pass_;  // held by the thread for the length of a pass
  // Wakes are numbered: the writer catches up only after the pass for its latest one.
  std::uint64_t wanted_ = 0;     // under mutex_: the wake a pass is wanted for, 0 if none
  std::uint64_t wakes_ = 0;      // writer's thread: the latest wake
  std::uint64_t caught_up_ = 0;  // writer's thread: the wake whose pass it last caught up after
  std::atomic<std::uint64_t> passed_{0};  // the wake whose pass last copied all it could reach
  int woken_at_ = 0;                      // writer's thread: the WAL's size at the latest wake
  int wal_pages_ = 0;                     // writer's thread: the WAL's size after the last commit
  bool lagging_ = false;                  // writer's thread: a wake found the last pass running
  std::jthread thread_;                   // last: starts once everything above exists
};

}  // namespace herald
