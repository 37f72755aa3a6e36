#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "transport/ws_wire.hpp"

namespace herald::bench {

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

// Why a server closed, from its close frame's payload, for a result's close reasons: "close frame
// from the server", then ": CODE REASON" as far as the payload gives them, so that a slow
// consumer (4008) is told from a drain (1001). Bytes outside printable ASCII become '?'.
std::string ws_close_reason(std::string_view payload);

// A client frame (always masked, as RFC 6455 requires of clients) appended to `out`. The mask
// only has to be unpredictable to thwart cache poisoning through proxies; a bench on loopback
// uses a fixed one.
void append_ws_client_frame(std::string& out, WsOpcode opcode, std::string_view payload);

}  // namespace herald::bench
