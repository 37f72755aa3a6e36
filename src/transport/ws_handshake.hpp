#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "transport/http_router.hpp"

namespace herald {

// The answer to a WebSocket upgrade request (RFC 6455 section 4.2): the bytes of the 101 that
// switches the connection over, or the HTTP error that refuses it (400; 426 naming version 13
// for another protocol version).
using WsHandshake = std::variant<std::string, HttpResponse>;
WsHandshake answer_ws_upgrade(const HttpRequest& request);

// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key.
std::string ws_accept_key(std::string_view key);

}  // namespace herald
