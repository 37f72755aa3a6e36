#include "transport/ws_frame_writer.hpp"

namespace herald {
namespace {

constexpr std::size_t kCodeSize = 2;

void append_big_endian(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

}  // namespace

std::string ws_frame_header(WsOpcode opcode, std::size_t payload_size) {
  std::string header;
  header.push_back(static_cast<char>(kWsFin | static_cast<std::uint8_t>(opcode)));
  if (payload_size < kWsLength16) {
    header.push_back(static_cast<char>(payload_size));
  } else if (payload_size <= 0xFFFF) {
    header.push_back(static_cast<char>(kWsLength16));
    append_big_endian(header, payload_size, 2);
  } else {
    header.push_back(static_cast<char>(kWsLength64));
    append_big_endian(header, payload_size, 8);
  }
  return header;
}

std::string ws_control_frame(WsOpcode opcode, std::string_view payload) {
  payload = payload.substr(0, kMaxControlPayload);
  std::string frame = ws_frame_header(opcode, payload.size());
  frame.append(payload);
  return frame;
}

std::string ws_close_frame(std::optional<std::uint16_t> code, std::string_view reason) {
  std::string payload;
  if (code) {
    append_big_endian(payload, *code, kCodeSize);
    payload.append(reason.substr(0, kMaxControlPayload - kCodeSize));
  }
  return ws_control_frame(WsOpcode::close, payload);
}

}  // namespace herald
