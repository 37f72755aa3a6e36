#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace herald::bench {

// The CPU time (user + system) a running process has used so far, in seconds, from
// /proc/PID/stat; nothing when it cannot be read (the process is gone).
std::optional<double> process_cpu_seconds(pid_t pid);

// The CPU time (user + system) this process has used so far, in seconds, to the microsecond.
double own_cpu_seconds();

// utime + stime, in clock ticks, from the text of /proc/PID/stat; nothing when malformed. The
// command name (field 2) may hold spaces and parentheses, so fields count from its last ')'.
std::optional<std::uint64_t> cpu_ticks_from_stat(std::string_view stat);

}  // namespace herald::bench
