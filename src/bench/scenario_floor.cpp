#include "bench/scenario_floor.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <cerrno>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "bench/process_cpu.hpp"
#include "bench/report.hpp"
#include "bench/sync_floor.hpp"
#include "bench/tcp_dial.hpp"

namespace herald::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Syncs stop this long after their schedule's end even if fewer than asked were done: a slow
// disk is a result, not a hang.
constexpr std::chrono::seconds kSyncGrace{30};

// What the writer tells the reader through its pipe when it is done.
struct WriterReport {
  std::uint64_t writes = 0;
  std::uint64_t bytes = 0;
  std::uint64_t short_writes = 0;  // the socket was full: the reader fell behind
  double cpu_s = 0;
};

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), "bench floor: " + what);
}

void pin_to(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (::sched_setaffinity(0, sizeof set, &set) != 0) fail("cannot pin the writer");
}

// An unmasked text frame of `total` bytes, header included, as a server sends one.
std::string server_frame(std::size_t total) {
  constexpr std::uint8_t kFinText = 0x81;
  constexpr std::size_t kShortest = 126;  // payloads from here on carry a 16-bit length
  std::string frame(1, static_cast<char>(kFinText));
  if (total - 2 < kShortest) {
    frame += static_cast<char>(total - 2);
  } else {
    const std::size_t payload = total - 4;
    frame += static_cast<char>(kShortest);
    frame += static_cast<char>(payload >> 8);
    frame += static_cast<char>(payload & 0xff);
  }
  frame.resize(total, 'x');
  return frame;
}

int listen_loopback(unsigned short& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::listen(fd, SOMAXCONN) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    fail("cannot listen on loopback");
  }
  port = ntohs(address.sin_port);
  return fd;
}

// The writer, in its own process: accepts every connection, says so, waits for the go, then
// writes one frame per connection per round, at the rate, as a server without coalescing would.
[[noreturn]] void run_writer(const FloorOptions& options, int listener, int ready, int go) {
  pin_to(options.writer_cpu);
  std::vector<int> sockets;
  const int on = 1;
  while (sockets.size() < options.connections) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
    if (fd < 0) ::_exit(1);
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    sockets.push_back(fd);
  }
  char byte = 0;
  if (::write(ready, &byte, 1) != 1 || ::read(go, &byte, 1) != 1) ::_exit(1);
  const std::string frame = server_frame(options.frame_bytes);
  WriterReport report;
  const double cpu_before = own_cpu_seconds();
  const auto started = Clock::now();
  const auto rounds =
      static_cast<std::uint64_t>(options.rate * static_cast<double>(options.duration.count()) /
                                 static_cast<double>(sockets.size()));
  for (std::uint64_t round = 0; round < rounds; ++round) {
    for (const int fd : sockets) {
      const ssize_t sent = ::write(fd, frame.data(), frame.size());
      report.bytes += sent > 0 ? static_cast<std::uint64_t>(sent) : 0;
      ++(sent == static_cast<ssize_t>(frame.size()) ? report.writes : report.short_writes);
    }
    const std::chrono::duration<double> due(static_cast<double>((round + 1) * sockets.size()) /
                                            options.rate);
    std::this_thread::sleep_until(started + std::chrono::duration_cast<Clock::duration>(due));
  }
  report.cpu_s = own_cpu_seconds() - cpu_before;
  const bool told = ::write(ready, &report, sizeof report) == sizeof report;
  ::_exit(told ? 0 : 1);
}

// This process's side: the connections, read until the writer's bytes have all arrived.
class Reader {
 public:
  Reader(std::size_t connections, unsigned short port) : epoll_(::epoll_create1(0)) {
    for (std::size_t i = 0; i < connections; ++i) {
      const int fd = dial_tcp("127.0.0.1", port, {});
      epoll_event event{.events = EPOLLIN, .data = {.fd = fd}};
      if (fd < 0 || ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) fail("cannot connect");
      sockets_.push_back(fd);
    }
  }
  ~Reader() {
    for (const int fd : sockets_)
      ::close(fd);
    ::close(epoll_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Reads what has arrived, waiting up to `wait` for something.
  void drain(std::chrono::milliseconds wait) {
    std::array<epoll_event, 512> events{};
    const int ready =
        ::epoll_wait(epoll_, events.data(), events.size(), static_cast<int>(wait.count()));
    for (int i = 0; i < ready; ++i) {
      for (ssize_t got; (got = ::read(events[i].data.fd, buffer_.data(), buffer_.size())) > 0;)
        received_ += static_cast<std::uint64_t>(got);
    }
  }
  std::uint64_t received() const { return received_; }

 private:
  int epoll_;
  std::vector<int> sockets_;
  std::array<char, 65536> buffer_{};
  std::uint64_t received_ = 0;
};

// The disk's floor, on the data's disk: the page the store rewrites, synced.
SyncFloor sync_floor(const FloorOptions& options) {
  const std::filesystem::path dir =
      options.sync_dir.empty() ? std::filesystem::temp_directory_path() : options.sync_dir;
  std::cerr << "[floor] timing " << options.syncs << " syncs at " << options.sync_rate
            << " a second in " << dir.string() << "\n";
  const auto scheduled = std::chrono::ceil<std::chrono::seconds>(
      std::chrono::duration<double>(static_cast<double>(options.syncs) / options.sync_rate));
  return measure_sync_floor(dir, options.syncs, options.sync_rate, scheduled + kSyncGrace);
}

void print_and_write(const FloorOptions& options, const WriterReport& report,
                     std::uint64_t received, const SyncFloor& sync) {
  const double us_per_write =
      report.writes > 0 ? 1e6 * report.cpu_s / static_cast<double>(report.writes) : 0;
  const LatencyHistogram& l = sync.latency;
  const double us_per_sync = l.count() > 0 ? 1e6 * sync.cpu_s / static_cast<double>(l.count()) : 0;
  std::cout << fmt::format(
      "writes {}  short writes {}  bytes written {}  received {}\nwriter CPU s {:.2f}\n"
      "writer CPU us / write {:.2f}\n"
      "disk syncs {} in {:.1f} s  ms p50 / p99 / p99.9 / max {:.3f} / {:.3f} / {:.3f} / {:.3f}  "
      "over {} ms {}  CPU us / sync {:.1f}\n",
      report.writes, report.short_writes, report.bytes, received, report.cpu_s, us_per_write,
      l.count(), sync.seconds, l.percentile_us(50) / 1000, l.percentile_us(99) / 1000,
      l.percentile_us(99.9) / 1000, l.max_us() / 1000, kSyncStall.count(), sync.stalls,
      us_per_sync);
  write_result(options.out,
               {{"scenario", "floor"},
                {"connections", options.connections},
                {"rate", options.rate},
                {"frame_bytes", options.frame_bytes},
                {"writes", report.writes},
                {"short_writes", report.short_writes},
                {"bytes_written", report.bytes},
                {"bytes_received", received},
                {"writer_cpu_s", report.cpu_s},
                {"writer_cpu_us_per_write", us_per_write},
                {"syncs", l.count()},
                {"sync_rate", options.sync_rate},
                {"sync_seconds", sync.seconds},
                {"sync_latency_ms", l.percentiles_ms()},
                {"sync_stall_ms", kSyncStall.count()},
                {"sync_stalls", sync.stalls},
                {"sync_cpu_us", us_per_sync}},
               {});
  std::cout << "wrote " << options.out.string() << "\n";
}

}  // namespace

void run_floor(const FloorOptions& options) {
  const SyncFloor sync = sync_floor(options);  // first: a disk it cannot write fails at once
  unsigned short port = 0;
  const int listener = listen_loopback(port);
  std::array<int, 2> ready{};  // writer → reader: accepted, then its report
  std::array<int, 2> go{};     // reader → writer
  if (::pipe(ready.data()) != 0 || ::pipe(go.data()) != 0) fail("pipe");
  const pid_t writer = ::fork();
  if (writer < 0) fail("fork");
  if (writer == 0) run_writer(options, listener, ready[1], go[0]);
  ::close(listener);
  Reader reader(options.connections, port);
  char byte = 1;
  if (::read(ready[0], &byte, 1) != 1 || ::write(go[1], &byte, 1) != 1) fail("writer lost");
  std::cerr << "[floor] writing for " << options.duration.count() << " s\n";
  ::fcntl(ready[0], F_SETFL, O_NONBLOCK);
  std::optional<WriterReport> report;
  const auto deadline = Clock::now() + options.duration + std::chrono::seconds(30);
  while (Clock::now() < deadline && (!report || reader.received() < report->bytes)) {
    reader.drain(std::chrono::milliseconds(100));
    WriterReport got;
    if (!report && ::read(ready[0], &got, sizeof got) == sizeof got) report = got;
  }
  ::waitpid(writer, nullptr, 0);
  if (!report) fail("the writer gave no report in time");
  print_and_write(options, *report, reader.received(), sync);
}

}  // namespace herald::bench
