#include "transport/transports.hpp"

#include <algorithm>
#include <stdexcept>

namespace herald {

Transports parse_transports(std::string_view text) {
  Transports transports;
  for (const Transport transport : kTransports)
    transports.offer(transport, false);
  bool any = false;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto* known = std::find_if(kTransports.begin(), kTransports.end(),
                                     [name](Transport t) { return to_string(t) == name; });
    if (known == kTransports.end()) {
      throw std::invalid_argument("unknown transport '" + std::string(name) +
                                  "' (known: " + format_transports({}) + ")");
    }
    transports.offer(*known, true);
    any = true;
  }
  if (!any) throw std::invalid_argument("enable at least one transport");
  return transports;
}

std::string format_transports(const Transports& transports) {
  std::string text;
  for (const Transport transport : kTransports) {
    if (!transports.offers(transport)) continue;
    if (!text.empty()) text += ',';
    text += to_string(transport);
  }
  return text;
}

}  // namespace herald
