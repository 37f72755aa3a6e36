#include "client/server_wait.hpp"

#include <algorithm>
#include <charconv>

namespace herald::client {
namespace {

using std::chrono::milliseconds;

// Longest wait the client accepts from the server.
constexpr milliseconds kMaxServerDelay{3'600'000};

}  // namespace

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

}  // namespace herald::client
