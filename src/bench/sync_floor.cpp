#include "bench/sync_floor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

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

SyncFloor measure_sync_floor(const std::filesystem::path& dir, std::size_t syncs,
                             std::chrono::seconds limit) {
  ScratchFile file(dir);
  std::array<char, kPage> page{};
  SyncFloor floor;
  const double cpu_before = own_cpu_seconds();
  const auto deadline = Clock::now() + limit;
  for (std::size_t i = 0; i < syncs && Clock::now() < deadline; ++i) {
    page[0] = static_cast<char>(i);  // a page that really changed
    file.write_page(i, page);
    const auto started = Clock::now();
    file.sync();
    floor.latency.add(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count());
  }
  floor.cpu_s = own_cpu_seconds() - cpu_before;
  return floor;
}

}  // namespace herald::bench
