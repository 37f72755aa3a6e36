#include "bench/process_cpu.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace herald::bench {

std::optional<double> process_cpu_seconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::ostringstream text;
  text << file.rdbuf();
  const std::optional<std::uint64_t> ticks = cpu_ticks_from_stat(text.str());
  if (!ticks) return std::nullopt;
  return static_cast<double>(*ticks) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::optional<std::uint64_t> cpu_ticks_from_stat(std::string_view stat) {
  // Counted from field 3 (the state), the first after the command name: utime is field 14.
  constexpr std::size_t kUtime = 14 - 3;
  const auto name_end = stat.rfind(')');
  if (name_end == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat.substr(name_end + 1);
  std::uint64_t ticks = 0;
  for (std::size_t field = 0; field <= kUtime + 1; ++field) {
    rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
    const std::string_view token = rest.substr(0, rest.find(' '));
    rest.remove_prefix(token.size());
    if (token.empty()) return std::nullopt;
    if (field < kUtime) continue;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc{} || end != token.data() + token.size()) return std::nullopt;
    ticks += value;
  }
  return ticks;
}

}  // namespace herald::bench
