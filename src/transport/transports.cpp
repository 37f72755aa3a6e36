#include "transport/transports.hpp"

#include <stdexcept>

namespace herald {

Transports parse_transports(std::string_view text) {
  Transports transports{false, false};
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (name == "websocket") {
      transports.websocket = true;
    } else if (name == "sse") {
      transports.sse = true;
    } else {
      throw std::invalid_argument("unknown transport '" + std::string(name) +
                                  "' (known: websocket, sse)");
    }
  }
  if (!transports.websocket && !transports.sse) {
    throw std::invalid_argument("enable at least one transport");
  }
  return transports;
}

std::string format_transports(const Transports& transports) {
  std::string text;
  if (transports.websocket) text += "websocket";
  if (transports.sse) text += text.empty() ? "sse" : ",sse";
  return text;
}

}  // namespace herald
