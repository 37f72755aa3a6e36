#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "client/backoff.hpp"

namespace herald::bench {

// One load-generator connection's way back to a server it lost, the way the client library
// goes it (Client's fail()): the next attempt comes after the backoff's delay, and no sooner
// than a wait the server named, plus the jitter: the reconnect_ms of a `goaway` for the close
// that follows it, or the Retry-After of a refused upgrade. After a `welcome` the backoff
// starts over. About 60 bytes, so a swarm can hold one per connection.
class Reconnector {
 public:
  Reconnector(client::BackoffPolicy policy, std::uint64_t seed) : backoff_(policy, seed) {}

  // The server is going away and asks for this wait before coming back.
  void on_goaway(std::chrono::milliseconds reconnect) { goaway_ = reconnect; }
  void on_welcome() { backoff_.reset(); }
  // The connection, or an attempt at one, ended: how long to wait before the next attempt.
  // `retry_after` is what a refused upgrade named (zero when none).
  std::chrono::milliseconds on_lost(std::chrono::milliseconds retry_after = {});

 private:
  client::Backoff backoff_;
  std::optional<std::chrono::milliseconds> goaway_;  // for this connection only
};

// The reconnect_ms of a `goaway` among a server message's frames (one a line); nothing when
// the message holds no goaway. A goaway without the field asks for no wait.
std::optional<std::chrono::milliseconds> goaway_delay(std::string_view message);

}  // namespace herald::bench
