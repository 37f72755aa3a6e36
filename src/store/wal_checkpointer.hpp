#pragma once

#include <condition_variable>
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
// PASSIVE checkpoint on its own connection while the writer goes on committing. A passive
// checkpoint cannot reach frames committed while it runs, and the WAL only starts over from its
// beginning once every frame is in the database; so when the WAL has grown past a bound, the
// writer completes the checkpoint itself after a commit, which by then costs the few frames left.
// The thread keeps the ordinary scheduling policy: one starved while it holds SQLite's
// checkpoint lock (as SCHED_IDLE would let it be) keeps the writer from completing the
// checkpoint at the bound, and the WAL outgrows it.
class WalCheckpointer {
 public:
  struct Options {
    int background_pages = 1000;   // WAL size that wakes the checkpointer (SQLite's default)
    int foreground_pages = 16384;  // WAL size (64 MiB of 4 KiB pages) at which the writer helps
  };

  // Replaces `writer`'s automatic checkpoint. `writer` must outlive this object, and commit
  // nothing once it is being destroyed.
  WalCheckpointer(const std::filesystem::path& file, sqlite::Connection& writer, bool sync_full,
                  Metrics& metrics, Options options);
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

 private:
  static int on_commit(void* self, sqlite3* writer, const char* schema, int pages);
  void committed(sqlite3* writer, const char* schema, int pages);
  void run(const std::stop_token& stop);
  void checkpoint();

  sqlite::Connection& writer_;
  Metrics& metrics_;
  Options options_;
  sqlite::Connection db_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool wanted_ = false;  // under mutex_
  int woken_at_ = 0;     // the WAL's size when the writer last woke the checkpointer
  std::jthread thread_;  // last: starts once everything above exists
};

}  // namespace herald
