#include "store/wal_checkpointer.hpp"

#include <sched.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <utility>

#include "core/thread_name.hpp"

namespace herald {
namespace {

// How often the writer repeats its interrupt while it waits for the pass to stop: one that lands
// before the pass has begun is forgotten as it begins.
constexpr auto kInterruptAgainAfter = std::chrono::milliseconds(1);

void run_in_idle_time() {
  const sched_param param{};
  if (sched_setscheduler(0, SCHED_IDLE, &param) != 0) {
    spdlog::debug("message store: the checkpointer keeps the ordinary scheduling policy");
  }
}

}  // namespace

WalCheckpointer::WalCheckpointer(const std::filesystem::path& file, sqlite::Connection& writer,
                                 bool sync_full, Metrics& metrics, Options options)
    : writer_(writer), metrics_(metrics), options_(options), db_(file, SQLITE_OPEN_READWRITE) {
  // A checkpoint syncs as its connection's setting says: the same durability as the commits.
  db_.exec(sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  thread_ = std::jthread([this](const std::stop_token& stop) {
    name_this_thread("store-ckpt");
    run_in_idle_time();
    run(stop);
  });
  sqlite3_wal_hook(writer_.get(), &WalCheckpointer::on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_.get(), nullptr, nullptr);
  thread_.request_stop();
  sqlite3_interrupt(db_.get());
}

int WalCheckpointer::on_commit(void* self, sqlite3* /*writer*/, const char* /*schema*/, int pages) {
  static_cast<WalCheckpointer*>(self)->committed(pages);
  return SQLITE_OK;
}

void WalCheckpointer::committed(int pages) {
  wal_pages_ = pages;
  if (pages < woken_at_) woken_at_ = 0;  // the WAL started over
  // A wake once per background_pages of new frames, so taking the lock costs nothing worth
  // counting, and one more as the WAL crosses restart_pages: the writer's catch-up after that
  // pass has only what was committed while it ran.
  const bool crossing = pages >= options_.restart_pages && woken_at_ < options_.restart_pages;
  if (!crossing && pages < woken_at_ + options_.background_pages) return;
  woken_at_ = pages;
  if (passed_.load(std::memory_order_acquire) != wakes_) {
    // The pass for the previous wake is still running: the thread got no idle time for it.
    lagging_ = true;
    return;
  }
  // Past restart_pages the writer catches up right after this commit, unless it already has.
  if (!crossing && pages >= options_.restart_pages && caught_up_ != wakes_) return;
  {
    const std::lock_guard lock(mutex_);
    wanted_ = ++wakes_;
  }
  wake_.notify_one();
}

void WalCheckpointer::catch_up() {
  if (lagging_) return take_over();
  if (wal_pages_ < options_.restart_pages) return;
  // Only right after the pass for the latest wake: what it left is what was committed while it
  // ran, fewer than background_pages, and typically a few commits' worth.
  const std::uint64_t passed = passed_.load(std::memory_order_acquire);
  if (passed != wakes_ || passed == caught_up_) return;
  caught_up_ = passed;
  sqlite3_wal_checkpoint_v2(writer_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

void WalCheckpointer::take_over() {
  std::unique_lock pass(pass_, std::try_to_lock);
  while (!pass.owns_lock()) {
    sqlite3_interrupt(db_.get());
    pass.try_lock_for(kInterruptAgainAfter);
  }
  sqlite3_wal_checkpoint_v2(writer_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  // Everything committed so far is copied: the next wake starts afresh, and the next commit
  // starts the WAL over.
  lagging_ = false;
  caught_up_ = wakes_;
  passed_.store(wakes_, std::memory_order_release);
}

void WalCheckpointer::run(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  while (wake_.wait(lock, stop, [this] { return wanted_ != 0; })) {
    const std::uint64_t wake = std::exchange(wanted_, 0);
    lock.unlock();
    {
      const std::lock_guard pass(pass_);
      if (checkpoint()) passed_.store(wake, std::memory_order_release);
    }
    lock.lock();
  }
}

bool WalCheckpointer::checkpoint() {
  const auto started = std::chrono::steady_clock::now();
  const int rc =
      sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  // Busy while the writer's own checkpoint runs; interrupted when it takes over.
  if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_INTERRUPT) {
    metrics_.store_errors.add();
    spdlog::warn("message store: WAL checkpoint failed: {}", sqlite3_errmsg(db_.get()));
    return false;
  }
  metrics_.store_checkpoint_seconds.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return rc == SQLITE_OK;
}

}  // namespace herald
