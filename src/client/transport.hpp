#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace herald::client {

// The ways a client can reach an edge (docs/protocol.md), in the order the Client tries them.
enum class Transport {
  websocket,  // GET /ws: bidirectional
  sse,        // GET /sse, the stream down; POST /send?session=ID up
  longpoll,   // GET /poll?wait=S, held until something is new; POST /send up
  poll,       // GET /poll?wait=0 every so often (short-poll); POST /send up
};

// The documented fallback order: WebSocket, SSE, long-poll, short-poll.
std::vector<Transport> all_transports();

// "ws" (or "websocket"), "sse", "longpoll", "poll".
std::string_view to_string(Transport transport);
std::optional<Transport> parse_transport(std::string_view name);
// A comma-separated list ("sse,longpoll"); throws std::invalid_argument for an unknown or
// repeated name, or an empty list.
std::vector<Transport> parse_transports(std::string_view names);

}  // namespace herald::client
