#include "bench/ws_handshake.hpp"

namespace herald::bench {
namespace {

// The key and accept value of RFC 6455's own example (section 1.3).
constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view kAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
constexpr int kSwitchingProtocols = 101;

}  // namespace

std::string ws_upgrade_request(std::string_view host, std::string_view target) {
  std::string request;
  request.reserve(160 + host.size() + target.size());
  request.append("GET ").append(target).append(" HTTP/1.1\r\nHost: ").append(host);
  request.append(
      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: ");
  request.append(kKey).append("\r\n\r\n");
  return request;
}

bool ws_upgrade_accepted(const HttpResponseHead& head) {
  return head.status == HttpResponseHead::Status::complete && head.code == kSwitchingProtocols &&
         head.websocket_accept == kAccept;
}

}  // namespace herald::bench
