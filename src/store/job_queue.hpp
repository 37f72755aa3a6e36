#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace herald {

// A queue drained by one worker thread. Once closed it refuses new jobs, but the worker still
// takes the ones queued before.
template <typename Job>
class JobQueue {
 public:
  // Takes `job` (moves from it); once closed, false, and `job` is left as it was.
  bool push(Job& job) {
    {
      std::lock_guard lock(mutex_);
      if (closed_) return false;
      jobs_.push_back(std::move(job));
    }
    ready_.notify_one();
    return true;
  }

  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }

  // Jobs weighing up to `max` together (by `weight(job)`, found by argument-dependent lookup),
  // but at least one, waiting for the first until `deadline` (then none); nullopt once closed
  // and drained.
  std::optional<std::vector<Job>> take(
      std::size_t max, std::optional<std::chrono::steady_clock::time_point> deadline = {}) {
    std::unique_lock lock(mutex_);
    const auto ready = [this] { return closed_ || !jobs_.empty(); };
    if (deadline) {
      ready_.wait_until(lock, *deadline, ready);
    } else {
      ready_.wait(lock, ready);
    }
    if (closed_ && jobs_.empty()) return std::nullopt;
    std::vector<Job> taken;
    for (std::size_t total = 0;
         !jobs_.empty() && (taken.empty() || total + weight(jobs_.front()) <= max);) {
      total += weight(jobs_.front());
      taken.push_back(std::move(jobs_.front()));
      jobs_.pop_front();
    }
    return taken;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  bool closed_ = false;
};

}  // namespace herald
