#include "client/server_wait.hpp"

#include <algorithm>
#include <charconv>

namespace herald::client {

using std::chrono::milliseconds;

milliseconds server_delay(std::uint64_t ms) {
  const auto max = static_cast<std::uint64_t>(kMaxServerDelay.count());
  return milliseconds(static_cast<milliseconds::rep>(std::min(ms, max)));
}

milliseconds retry_after_delay(std::string_view value) {
  std::uint64_t seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (value.empty() || ec != std::errc{}) return milliseconds{0};
  constexpr std::uint64_t kMaxSeconds = kMaxServerDelay.count() / 1000;
  return server_delay(std::min(seconds, kMaxSeconds) * 1000);
}

milliseconds retry_after(const boost::beast::http::fields& headers) {
  return retry_after_delay(headers[boost::beast::http::field::retry_after]);
}

}  // namespace herald::client
