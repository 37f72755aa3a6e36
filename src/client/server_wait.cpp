#include "client/server_wait.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

namespace herald::client {

std::chrono::milliseconds server_delay(std::uint64_t ms) {
  const auto max = static_cast<std::uint64_t>(kMaxServerDelay.count());
  return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(std::min(ms, max)));
}

std::chrono::milliseconds retry_after(const boost::beast::http::fields& headers) {
  const std::string_view value = headers[boost::beast::http::field::retry_after];
  std::uint64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc{}) return std::chrono::milliseconds{0};
  constexpr std::uint64_t kMaxSeconds = kMaxServerDelay.count() / 1000;
  return server_delay(std::min(seconds, kMaxSeconds) * 1000);
}

}  // namespace herald::client
