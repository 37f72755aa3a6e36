#include "client/transport.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace herald::client {

std::vector<Transport> all_transports() {
  return {Transport::websocket, Transport::sse, Transport::longpoll, Transport::poll};
}

std::optional<Transport> parse_transport(std::string_view name) {
  if (name == "ws") return Transport::websocket;
  for (const Transport transport : all_transports()) {
    if (name == to_string(transport)) return transport;
  }
  return std::nullopt;
}

std::vector<Transport> parse_transports(std::string_view names) {
  std::vector<Transport> out;
  while (!names.empty()) {
    const std::size_t comma = names.find(',');
    const std::string_view name = names.substr(0, comma);
    names = comma == std::string_view::npos ? std::string_view{} : names.substr(comma + 1);
    const auto transport = parse_transport(name);
    if (!transport) {
      throw std::invalid_argument("unknown transport '" + std::string(name) +
                                  "' (known: websocket or ws, sse, longpoll, poll)");
    }
    if (std::find(out.begin(), out.end(), *transport) != out.end())
      throw std::invalid_argument("transport '" + std::string(name) + "' named twice");
    out.push_back(*transport);
  }
  if (out.empty()) throw std::invalid_argument("name at least one transport");
  return out;
}

}  // namespace herald::client
