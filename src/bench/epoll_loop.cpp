#include "bench/epoll_loop.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace herald::bench {
namespace {

// Short enough that the worker's timers (progress, ramp, publish schedule) stay on time.
constexpr int kWaitMs = 1;
constexpr int kBatch = 512;

}  // namespace

EpollLoop::EpollLoop() : epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
}

EpollLoop::~EpollLoop() {
  ::close(epoll_);
}

void EpollLoop::add(int fd, std::uint64_t key) {
  epoll_event event{.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data = {.u64 = key}};
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
}

void EpollLoop::run(boost::asio::io_context& io, const Handler& handler) {
  std::array<epoll_event, kBatch> events{};
  while (!io.stopped()) {
    const int ready = ::epoll_wait(epoll_, events.data(), kBatch, kWaitMs);
    if (ready < 0 && errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "epoll_wait");
    }
    for (int i = 0; i < ready; ++i)
      handler(events[i].data.u64, events[i].events);
    io.poll();
  }
}

}  // namespace herald::bench
