#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace herald::bench {

// The kernel's ephemeral ports (net.ipv4.ip_local_port_range), both ends included.
struct PortRange {
  unsigned first = 32768;
  unsigned last = 60999;
  std::size_t size() const { return last >= first ? last - first + 1 : 0; }
};

// Read from /proc; Linux's default range when it cannot be read.
PortRange ephemeral_port_range();

// A client connection from one local address to the one server address needs its own ephemeral
// port, so a load above what one address holds is spread over several loopback addresses:
// 127.0.0.2, 127.0.0.3, … (127.0.0.1 is left to the server). Worker i gets enough addresses of
// its own that none carries more than `per_address` of its `connections[i]`; every worker gets
// at least one. Throws std::invalid_argument if `per_address` is 0 or 127.0.0.0/8 runs out.
std::vector<std::vector<std::string>> allocate_source_addresses(
    const std::vector<std::size_t>& connections, std::size_t per_address);

// How many connections to put on one address: half the ephemeral ports, leaving the other half
// for reconnect attempts made while the sockets of lost connections are still closing.
std::size_t connections_per_address(const PortRange& range);

}  // namespace herald::bench
