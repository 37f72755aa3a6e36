#pragma once

#include <boost/beast/http/fields.hpp>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace herald::client {

// Waits a server names before a client may come back: `goaway`'s reconnect_ms, and the
// Retry-After of a refused request. Both are bounded so a wild value cannot park a client
// forever; the client adds its jitter on top (see Backoff::next).

// Longest wait the client accepts from the server.
inline constexpr std::chrono::milliseconds kMaxServerDelay{3'600'000};

// A wait the server named in milliseconds (goaway's reconnect_ms, retry_after_ms), capped.
std::chrono::milliseconds server_delay(std::uint64_t ms);
// A Retry-After value (whole seconds) as a delay, capped; zero when absent or not a number.
std::chrono::milliseconds retry_after_delay(std::string_view value);
// The Retry-After of a refusing or draining server's 503.
std::chrono::milliseconds retry_after(const boost::beast::http::fields& headers);

}  // namespace herald::client
