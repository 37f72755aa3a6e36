#pragma once

#include <string>
#include <string_view>

#include "bench/http_response_head.hpp"

namespace herald::bench {

// The HTTP/1.1 upgrade request of a WebSocket client. Every connection sends the same key: it
// only proves that the server speaks WebSocket, which a fixed key proves as well as a random one.
std::string ws_upgrade_request(std::string_view host, std::string_view target);

// True when `head` is a 101 whose Sec-WebSocket-Accept answers the key that request sent.
bool ws_upgrade_accepted(const HttpResponseHead& head);

}  // namespace herald::bench
