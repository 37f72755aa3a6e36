#include "bench/ws_frame.hpp"

#include <array>

namespace herald::bench {
namespace {

constexpr std::uint8_t kFin = 0x80;
constexpr std::uint8_t kReserved = 0x70;
constexpr std::uint8_t kMasked = 0x80;
constexpr std::uint8_t kLength16 = 126;
constexpr std::uint8_t kLength64 = 127;
constexpr std::uint64_t kMaxControlPayload = 125;
constexpr std::array<std::uint8_t, 4> kMask = {0x12, 0x34, 0x56, 0x78};

bool known_opcode(std::uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

std::uint64_t big_endian(std::string_view bytes) {
  std::uint64_t value = 0;
  for (const char byte : bytes)
    value = (value << 8) | static_cast<std::uint8_t>(byte);
  return value;
}

WsFrameHeader invalid() {
  return {.status = WsFrameHeader::Status::invalid};
}

}  // namespace

WsFrameHeader parse_ws_frame_header(std::string_view bytes) {
  if (bytes.size() < 2) return {};
  const auto first = static_cast<std::uint8_t>(bytes[0]);
  const auto second = static_cast<std::uint8_t>(bytes[1]);
  const std::uint8_t op = first & 0x0F;
  if ((first & kReserved) != 0 || (second & kMasked) != 0 || !known_opcode(op)) return invalid();
  WsFrameHeader header{.fin = (first & kFin) != 0, .opcode = static_cast<WsOpcode>(op)};
  const std::uint8_t length = second & 0x7F;
  std::size_t extended = 0;
  if (length == kLength16) extended = 2;
  if (length == kLength64) extended = 8;
  if (bytes.size() < 2 + extended) return {};
  header.header_size = 2 + extended;
  header.payload_size = extended == 0 ? length : big_endian(bytes.substr(2, extended));
  const bool minimal = (extended == 0) || (extended == 2 && header.payload_size >= kLength16) ||
                       (extended == 8 && header.payload_size > 0xFFFF &&
                        header.payload_size < (std::uint64_t{1} << 63));
  const bool control = op >= 0x8;
  if (!minimal || (control && (!header.fin || header.payload_size > kMaxControlPayload))) {
    return invalid();
  }
  header.status = WsFrameHeader::Status::complete;
  return header;
}

void append_ws_client_frame(std::string& out, WsOpcode opcode, std::string_view payload) {
  out.push_back(static_cast<char>(kFin | static_cast<std::uint8_t>(opcode)));
  const std::uint64_t size = payload.size();
  if (size < kLength16) {
    out.push_back(static_cast<char>(kMasked | size));
  } else if (size <= 0xFFFF) {
    out.push_back(static_cast<char>(kMasked | kLength16));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xFF));
  } else {
    out.push_back(static_cast<char>(kMasked | kLength64));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((size >> shift) & 0xFF));
  }
  out.append(reinterpret_cast<const char*>(kMask.data()), kMask.size());
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ kMask[i % 4]));
}

}  // namespace herald::bench
