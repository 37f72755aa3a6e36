#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "core/message.hpp"

namespace herald {

// Close codes an edge uses (docs/protocol.md).
enum class CloseCode : std::uint16_t {
  normal = 1000,
  going_away = 1001,
  protocol_error = 1002,
  unsupported_data = 1003,
  invalid_payload = 1007,
  too_big = 1009,
  internal_error = 1011,
  slow_consumer = 4008,
};

// What a transport offers the session layer: an ordered, bounded queue of frames to one client.
class Outlet {
 public:
  virtual ~Outlet() = default;

  virtual void send(Frame frame) = 0;
  virtual std::size_t queued_bytes() const = 0;
  // Ends the connection after what is being written; later frames are dropped.
  virtual void close(CloseCode code, std::string_view reason) = 0;
  // Runs `next` on the session's executor once the queue has been written out.
  virtual void when_flushed(std::function<void()> next) = 0;
};

}  // namespace herald
