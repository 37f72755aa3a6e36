#include "bench/server_memory.hpp"

#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace herald::bench {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The number after `key` on the line that starts with `line_start`.
std::optional<std::uint64_t> number_after(std::string_view text, std::string_view line_start,
                                          std::string_view key) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (!line.starts_with(line_start)) continue;
    const auto found = line.find(key);
    if (found == std::string_view::npos) return std::nullopt;
    std::string_view rest = line.substr(found + key.size());
    rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
    std::uint64_t value = 0;
    if (std::from_chars(rest.data(), rest.data() + rest.size(), value).ec != std::errc{}) {
      return std::nullopt;
    }
    return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> vm_rss_from_status(std::string_view status) {
  const auto kib = number_after(status, "VmRSS:", "VmRSS:");
  if (!kib) return std::nullopt;
  return *kib * 1024;
}

std::optional<std::uint64_t> resident_bytes(pid_t pid) {
  return vm_rss_from_status(read_all("/proc/" + std::to_string(pid) + "/status"));
}

std::optional<std::uint64_t> tcp_pages_from_sockstat(std::string_view sockstat) {
  return number_after(sockstat, "TCP:", " mem ");
}

std::optional<std::uint64_t> tcp_socket_bytes() {
  const auto pages = tcp_pages_from_sockstat(read_all("/proc/net/sockstat"));
  if (!pages) return std::nullopt;
  return *pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace herald::bench
