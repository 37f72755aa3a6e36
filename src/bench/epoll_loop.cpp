#include "bench/epoll_loop.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <thread>

namespace herald::bench {
namespace {

constexpr int kBatch = 512;
constexpr int kSmallBatch = kBatch / 8;

}  // namespace

EpollLoop::EpollLoop(std::chrono::milliseconds wait, std::chrono::microseconds coalesce)
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      wait_ms_(static_cast<int>(wait.count())),
      coalesce_(coalesce) {
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
    const int ready = ::epoll_wait(epoll_, events.data(), kBatch, wait_ms_);
    if (ready < 0 && errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "epoll_wait");
    }
    for (int i = 0; i < ready; ++i)
      handler(events[i].data.u64, events[i].events);
    io.poll();
    if (ready > 0 && ready < kSmallBatch && coalesce_.count() > 0) {
      std::this_thread::sleep_for(coalesce_);
    }
  }
}

}  // namespace herald::bench
