#pragma once

#include <chrono>
#include <optional>

namespace herald::bench {

// A Linux timerfd on CLOCK_MONOTONIC (the steady clock's), for an epoll loop that must wake at
// an exact moment rather than at its next periodic wait: it turns readable when the moment it
// was armed for has come.
class TimerFd {
 public:
  using Clock = std::chrono::steady_clock;

  TimerFd();  // throws std::system_error
  ~TimerFd();
  TimerFd(const TimerFd&) = delete;
  TimerFd& operator=(const TimerFd&) = delete;

  int fd() const { return fd_; }
  // Fires at `at` (at once if it has passed), unless already armed for that moment or sooner.
  void arm_by(Clock::time_point at);
  // After it fired: consumes the expiry, so the descriptor can turn readable again; unarmed.
  void clear();

 private:
  int fd_ = -1;
  std::optional<Clock::time_point> armed_;
};

}  // namespace herald::bench
