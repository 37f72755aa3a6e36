#include "bench/sync_floor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>
#include <thread>

#include "bench/process_cpu.hpp"

namespace herald::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kPage = 4096;
// The file has this many pages, rewritten in turn: an overwrite, as a reused WAL sees, so the
// sync carries the data alone, not a growing file's metadata.
constexpr std::size_t kPages = 64;

// A scratch file of kPages written pages, without a name (O_TMPFILE): nothing is left behind,
// whatever way the bench ends.
class ScratchFile {
 public:
  explicit ScratchFile(const std::filesystem::path& dir)
      : fd_(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) {
    if (fd_ < 0) fail("cannot create a file in " + dir.string());
    const std::array<char, kPage> page{};
    for (std::size_t i = 0; i < kPages; ++i)
      write_page(i, page);
    if (::fsync(fd_) != 0) fail("fsync");
  }
  ~ScratchFile() { ::close(fd_); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  void write_page(std::size_t index, const std::array<char, kPage>& page) {
    const auto offset = static_cast<off_t>((index % kPages) * kPage);
    if (::pwrite(fd_, page.data(), page.size(), offset) != static_cast<ssize_t>(page.size()))
      fail("pwrite");
  }
  void sync() {
    if (::fdatasync(fd_) != 0) fail("fdatasync");
  }

 private:
  [[noreturn]] static void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), "bench floor: " + what);
  }

  int fd_;
};

}  // namespace

SyncFloor measure_sync_floor(const std::filesystem::path& dir, std::size_t syncs, double rate,
                             std::chrono::seconds limit) {
  ScratchFile file(dir);
  std::array<char, kPage> page{};
  SyncFloor floor;
  const auto begun = Clock::now();
  const auto deadline = begun + limit;
  const std::chrono::duration<double> interval(1 / rate);
  for (std::size_t i = 0; i < syncs && Clock::now() < deadline; ++i) {
    // On schedule: a sync that overran leaves the next one no pause, as a commit's queue would.
    std::this_thread::sleep_until(
        begun + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i)));
    const double cpu_before = own_cpu_seconds();  // not the waking up between syncs
    page[0] = static_cast<char>(i);               // a page that really changed
    file.write_page(i, page);
    const auto started = Clock::now();
    file.sync();
    const auto took = Clock::now() - started;
    floor.cpu_s += own_cpu_seconds() - cpu_before;
    floor.latency.add(std::chrono::duration_cast<std::chrono::microseconds>(took).count());
    if (took > kSyncStall) ++floor.stalls;
  }
  floor.seconds = std::chrono::duration<double>(Clock::now() - begun).count();
  return floor;
}

}  // namespace herald::bench
