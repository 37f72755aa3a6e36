#pragma once

#include <boost/beast/http/fields.hpp>
#include <chrono>
#include <cstdint>

namespace herald::client {

// Longest wait the client accepts from the server, so a wild value cannot park it forever.
inline constexpr std::chrono::milliseconds kMaxServerDelay{3'600'000};

// A wait the server named in milliseconds (goaway's reconnect_ms, retry_after_ms), capped.
std::chrono::milliseconds server_delay(std::uint64_t ms);

// A refusing or draining server answers 503 with Retry-After (whole seconds): the wait it
// names, capped; 0 without one.
std::chrono::milliseconds retry_after(const boost::beast::http::fields& headers);

}  // namespace herald::client
