#include "bench/timer_fd.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace herald::bench {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

timespec monotonic(TimerFd::Clock::time_point at) {
  const std::int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
  // An all-zero time would disarm the timer: a moment long past fires at once instead.
  if (ns <= 0) return {.tv_sec = 0, .tv_nsec = 1};
  return {.tv_sec = ns / kNanosPerSecond, .tv_nsec = ns % kNanosPerSecond};
}

}  // namespace

TimerFd::TimerFd() : fd_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "timerfd_create");
}

TimerFd::~TimerFd() {
  ::close(fd_);
}

void TimerFd::arm_by(Clock::time_point at) {
  if (armed_ && *armed_ <= at) return;
  const itimerspec spec{.it_interval = {}, .it_value = monotonic(at)};
  if (::timerfd_settime(fd_, TFD_TIMER_ABSTIME, &spec, nullptr) != 0) {
    throw std::system_error(errno, std::generic_category(), "timerfd_settime");
  }
  armed_ = at;
}

void TimerFd::clear() {
  std::uint64_t expirations = 0;
  // Nothing to read (EAGAIN) is fine: the expiry was consumed already.
  [[maybe_unused]] const ssize_t got = ::read(fd_, &expirations, sizeof expirations);
  armed_.reset();
}

}  // namespace herald::bench
