// Feeds arbitrary bytes, as a server might send them, to the load generator's parsers: the
// WebSocket frame header, the HTTP response head and the delivery stamp. Whatever the input,
// parsing must not crash, and what it accepts must stay inside the input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bench/http_response_head.hpp"
#include "bench/stamp.hpp"
#include "bench/ws_frame.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

// Walks the input as a stream of frames, as the swarm does with a receive buffer.
void frames(std::string_view bytes) {
  while (!bytes.empty()) {
    const herald::bench::WsFrameHeader header = herald::bench::parse_ws_frame_header(bytes);
    if (header.status != herald::bench::WsFrameHeader::Status::complete) return;
    require(header.header_size >= 2 && header.header_size <= 10);
    require(header.header_size <= bytes.size());
    if (header.opcode >= herald::WsOpcode::close) require(header.payload_size <= 125);
    if (bytes.size() < header.frame_size()) return;
    bytes.remove_prefix(header.frame_size());
  }
}

void head(std::string_view bytes) {
  const herald::bench::HttpResponseHead head = herald::bench::parse_http_response_head(bytes);
  if (head.status != herald::bench::HttpResponseHead::Status::complete) return;
  require(head.head_size <= bytes.size());
  require(head.code >= 100 && head.code <= 999);
  if (!head.websocket_accept.empty()) {
    require(head.websocket_accept.data() >= bytes.data() &&
            head.websocket_accept.data() + head.websocket_accept.size() <=
                bytes.data() + bytes.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  frames(bytes);
  head(bytes);
  if (const auto stamp = herald::bench::find_stamp(bytes)) {
    const auto again = herald::bench::find_stamp(herald::bench::stamp_text(*stamp, 0));
    require(again && again->seq == stamp->seq && again->sent_us == stamp->sent_us);
  }
  return 0;
}
