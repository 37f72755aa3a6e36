#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace herald::bench {

// RFC 6455 opcodes the load generator meets.
enum class WsOpcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// The header of one frame a server sent, read in place from the front of a receive buffer.
struct WsFrameHeader {
  enum class Status { complete, incomplete, invalid };
  Status status = Status::incomplete;
  bool fin = false;
  WsOpcode opcode = WsOpcode::continuation;
  std::size_t header_size = 0;
  std::uint64_t payload_size = 0;

  // Header and payload: what the frame occupies in the buffer.
  std::uint64_t frame_size() const { return header_size + payload_size; }
};

// Reads the frame header at the start of `bytes`. `complete` means the header is all there (the
// payload may not be); `invalid` is a frame no server may send: masked, reserved bits or opcodes,
// a control frame that is fragmented or over 125 bytes, or a length that is not minimal.
WsFrameHeader parse_ws_frame_header(std::string_view bytes);

// A client frame (always masked, as RFC 6455 requires of clients) appended to `out`. The mask
// only has to be unpredictable to thwart cache poisoning through proxies; a bench on loopback
// uses a fixed one.
void append_ws_client_frame(std::string& out, WsOpcode opcode, std::string_view payload);

}  // namespace herald::bench
