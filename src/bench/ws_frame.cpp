#include "bench/ws_frame.hpp"

#include <array>

namespace herald::bench {
namespace {

constexpr std::array<std::uint8_t, 4> kMask = {0x12, 0x34, 0x56, 0x78};

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
  const std::uint8_t op = first & kWsOpcode;
  if ((first & kWsReserved) != 0 || (second & kWsMasked) != 0 || !is_known_opcode(op))
    return invalid();
  WsFrameHeader header{.fin = (first & kWsFin) != 0, .opcode = static_cast<WsOpcode>(op)};
  const std::uint8_t length = second & kWsLength;
  std::size_t extended = 0;
  if (length == kWsLength16) extended = 2;
  if (length == kWsLength64) extended = 8;
  if (bytes.size() < 2 + extended) return {};
  header.header_size = 2 + extended;
  header.payload_size = extended == 0 ? length : big_endian(bytes.substr(2, extended));
  const bool minimal = (extended == 0) || (extended == 2 && header.payload_size >= kWsLength16) ||
                       (extended == 8 && header.payload_size > 0xFFFF &&
                        header.payload_size < (std::uint64_t{1} << 63));
  const bool control = op >= 0x8;
  if (!minimal || (control && (!header.fin || header.payload_size > kMaxControlPayload))) {
    return invalid();
  }
  header.status = WsFrameHeader::Status::complete;
  return header;
}

std::string ws_close_reason(std::string_view payload) {
  std::string reason = "close frame from the server";
  if (payload.size() < 2) return reason;
  reason += ": " + std::to_string(big_endian(payload.substr(0, 2)));
  if (payload.size() == 2) return reason;
  reason += ' ';
  for (const char byte : payload.substr(2))
    reason += byte >= ' ' && byte <= '~' ? byte : '?';
  return reason;
}

void append_ws_client_frame(std::string& out, WsOpcode opcode, std::string_view payload) {
  out.push_back(static_cast<char>(kWsFin | static_cast<std::uint8_t>(opcode)));
  const std::uint64_t size = payload.size();
  if (size < kWsLength16) {
    out.push_back(static_cast<char>(kWsMasked | size));
  } else if (size <= 0xFFFF) {
    out.push_back(static_cast<char>(kWsMasked | kWsLength16));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xFF));
  } else {
    out.push_back(static_cast<char>(kWsMasked | kWsLength64));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((size >> shift) & 0xFF));
  }
  out.append(reinterpret_cast<const char*>(kMask.data()), kMask.size());
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ kMask[i % 4]));
}

}  // namespace herald::bench
