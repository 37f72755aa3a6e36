#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/metrics.hpp"

namespace herald::client {

// The ways a client can reach an edge (docs/protocol.md), named as the server names them:
// websocket (GET /ws, both ways), sse (GET /sse down, POST /send?session=ID up), longpoll
// (GET /poll?wait=S, held until something is new) and poll (GET /poll?wait=0, asked every so
// often); the polling ones publish through POST /send.
using herald::to_string;
using herald::Transport;

// The documented fallback order: WebSocket, SSE, long-poll, short-poll.
std::vector<Transport> all_transports();

// A name of to_string(), or "ws" for WebSocket.
std::optional<Transport> parse_transport(std::string_view name);
// A comma-separated list ("sse,longpoll"); throws std::invalid_argument for an unknown or
// repeated name, or an empty list.
std::vector<Transport> parse_transports(std::string_view names);

}  // namespace herald::client
