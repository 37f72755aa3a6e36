#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace herald::client {

// Waits a server names before a client may come back: `goaway`'s reconnect_ms, and the
// Retry-After of a refused upgrade. Both are bounded so a wild value cannot park a client
// forever; the client adds its jitter on top (see Backoff::next).

// `ms` as a delay, at most an hour.
std::chrono::milliseconds server_delay(std::uint64_t ms);
// A Retry-After header's value (whole seconds) as a delay; zero when absent or not a number.
std::chrono::milliseconds retry_after_delay(std::string_view value);

}  // namespace herald::client
