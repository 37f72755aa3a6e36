#pragma once

#include <string>
#include <string_view>

namespace herald {

// Which session transports an edge offers. A disabled one is a 404, and /negotiate leaves it out.
struct Transports {
  bool websocket = true;
  bool sse = true;
};

// "websocket,sse" (any order, at least one); throws std::invalid_argument naming a bad entry.
Transports parse_transports(std::string_view text);
std::string format_transports(const Transports& transports);

}  // namespace herald
