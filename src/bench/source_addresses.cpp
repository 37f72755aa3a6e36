#include "bench/source_addresses.hpp"

#include <cstdint>
#include <fstream>
#include <stdexcept>

namespace herald::bench {
namespace {

constexpr std::uint32_t kFirstSource = 0x7f000002;  // 127.0.0.2
constexpr std::uint32_t kLastSource = 0x7ffffffe;   // 127.255.255.254

std::string dotted(std::uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

}  // namespace

PortRange ephemeral_port_range() {
  std::ifstream file("/proc/sys/net/ipv4/ip_local_port_range");
  PortRange range;
  if (!(file >> range.first >> range.last) || range.size() == 0) return PortRange{};
  return range;
}

std::size_t connections_per_address(const PortRange& range) {
  return range.size() / 2;
}

std::vector<std::vector<std::string>> allocate_source_addresses(
    const std::vector<std::size_t>& connections, std::size_t per_address) {
  if (per_address == 0) throw std::invalid_argument("no connections fit on one address");
  std::vector<std::vector<std::string>> out;
  std::uint32_t next = kFirstSource;
  for (const std::size_t count : connections) {
    const std::size_t needed = count == 0 ? 1 : (count + per_address - 1) / per_address;
    std::vector<std::string>& mine = out.emplace_back();
    for (std::size_t i = 0; i < needed; ++i) {
      if (next > kLastSource) throw std::invalid_argument("more source addresses than 127/8 has");
      mine.push_back(dotted(next++));
    }
  }
  return out;
}

}  // namespace herald::bench
