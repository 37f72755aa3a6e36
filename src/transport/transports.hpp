#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/metrics.hpp"

namespace herald {

// Which session transports an edge offers. A disabled one is a 404, and /negotiate leaves it out.
class Transports {
 public:
  Transports() { offered_.fill(true); }

  bool offers(Transport transport) const { return offered_[index(transport)]; }
  void offer(Transport transport, bool on) { offered_[index(transport)] = on; }

 private:
  static std::size_t index(Transport transport) { return static_cast<std::size_t>(transport); }

  std::array<bool, static_cast<std::size_t>(Transport::count_)> offered_{};
};

// The transports in preference order, for iterating over them.
constexpr std::array<Transport, static_cast<std::size_t>(Transport::count_)> kTransports = {
    Transport::websocket, Transport::sse, Transport::longpoll, Transport::poll};

// "websocket,sse,longpoll,poll" (any order, at least one); throws std::invalid_argument naming a
// bad entry.
Transports parse_transports(std::string_view text);
std::string format_transports(const Transports& transports);

}  // namespace herald
