#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace herald::bench {

// A process's resident memory (VmRSS of /proc/PID/status), in bytes.
std::optional<std::uint64_t> resident_bytes(pid_t pid);
// VmRSS in bytes from the text of a /proc/PID/status.
std::optional<std::uint64_t> vm_rss_from_status(std::string_view status);

// The memory the kernel holds for all TCP sockets (the "mem" pages of /proc/net/sockstat), in
// bytes. On loopback it counts both ends of every connection, the client's too.
std::optional<std::uint64_t> tcp_socket_bytes();
// The TCP "mem" pages from the text of a /proc/net/sockstat.
std::optional<std::uint64_t> tcp_pages_from_sockstat(std::string_view sockstat);

}  // namespace herald::bench
