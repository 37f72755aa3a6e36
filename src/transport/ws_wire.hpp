#pragma once

#include <cstddef>
#include <cstdint>

namespace herald {

// The layout of a WebSocket frame header (RFC 6455 section 5.2), shared by the server's reader
// and writer and the bench's client.

enum class WsOpcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Opcodes from 0x8 up are control frames.
constexpr bool is_control(WsOpcode opcode) {
  return static_cast<std::uint8_t>(opcode) >= 0x8;
}

constexpr bool is_known_opcode(std::uint8_t opcode) {
  return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

// First byte.
constexpr std::uint8_t kWsFin = 0x80;
constexpr std::uint8_t kWsReserved = 0x70;
constexpr std::uint8_t kWsOpcode = 0x0F;
// Second byte: the mask bit, then a length, or one of two markers for a longer length after it.
constexpr std::uint8_t kWsMasked = 0x80;
constexpr std::uint8_t kWsLength = 0x7F;
constexpr std::uint8_t kWsLength16 = 126;
constexpr std::uint8_t kWsLength64 = 127;
constexpr std::size_t kWsMaskSize = 4;

// The largest payload a control frame may carry.
constexpr std::size_t kMaxControlPayload = 125;

}  // namespace herald
