#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/metrics.hpp"
#include "store/store.hpp"
#include "store/wal_checkpointer.hpp"

namespace herald {

struct SqliteStoreOptions {
  std::size_t retention_messages = 10000;     // newest messages kept per room; 0: no count limit
  std::chrono::seconds retention_age{86400};  // older messages are deleted; 0: no age limit
  bool sync_full = true;  // FULL survives power loss; NORMAL only a process crash, but is faster
  std::size_t max_batch = 4096;  // appends in one transaction at most, unless one batch is bigger
  WalCheckpointer::Options checkpoint;
};

// The embedded MessageStore: one SQLite file in WAL mode.
//
// A writer thread with its own connection commits whatever appends queued up while the previous
// commit ran, all in one transaction (group commit), then calls their handlers in queue order.
// A batch is never split: it commits in one transaction. Checkpoints run beside the commits
// (WalCheckpointer), not inside them.
// A reader thread with its own read-only connection serves reads concurrently. Handlers run on
// these threads, so they must be quick (post the result elsewhere) and must not throw.
//
// The destructor commits and answers everything already queued. An append or read that arrives
// once destruction has begun fails with std::errc::operation_canceled, answered on the caller's
// thread because no worker is left to answer it.
class SqliteStore final : public MessageStore {
 public:
  // Opens or creates the database; throws std::runtime_error when that fails.
  SqliteStore(const std::filesystem::path& file, SqliteStoreOptions options, Metrics& metrics);
  ~SqliteStore() override;

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  void append_batch(std::vector<AppendRequest> requests, BatchHandler done) override;
  void read(std::string room, Seq after, std::size_t limit, ReadHandler done) override;

  // Append transactions committed so far (retention pruning not included).
  std::uint64_t commits() const;

 private:
  class Writer;
  class Reader;

  std::unique_ptr<Writer> writer_;
  std::unique_ptr<Reader> reader_;
};

}  // namespace herald
