#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>

namespace herald::bench {

// The load generator's event loop: raw epoll, edge-triggered, so tens of thousands of sockets
// cost one small record each and a read costs no handler allocation. The worker's own Asio
// context (its channel to the bench, its timers) runs in the same thread between two waits,
// which never block longer than `wait`: the resolution its timers need, and no finer, since an
// idle loop wakes up once per wait.
//
// Waking up costs more than reading (a context switch per wake-up was half a subscriber
// worker's CPU when it woke for every socket a server had just written to), so after a small
// batch the loop naps for `coalesce` to let the next batch gather. Latency measured by the
// reader grows by at most that much.
class EpollLoop {
 public:
  // `events` are the epoll bits of the socket registered with `key`.
  using Handler = std::function<void(std::uint64_t key, std::uint32_t events)>;

  EpollLoop(std::chrono::milliseconds wait, std::chrono::microseconds coalesce);
  ~EpollLoop();
  EpollLoop(const EpollLoop&) = delete;
  EpollLoop& operator=(const EpollLoop&) = delete;

  // Watches `fd` for input, output and hang-up, edge-triggered. Throws std::system_error.
  void add(int fd, std::uint64_t key);
  // Runs until `io` is stopped: socket events to `handler`, then whatever `io` has ready.
  void run(boost::asio::io_context& io, const Handler& handler);

 private:
  int epoll_ = -1;
  int wait_ms_;
  std::chrono::microseconds coalesce_;
};

}  // namespace herald::bench
