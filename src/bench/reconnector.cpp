#include "bench/reconnector.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "client/server_wait.hpp"

namespace herald::bench {

using std::chrono::milliseconds;

namespace {

// The field of one frame's JSON text; zero when absent or not a whole number.
std::uint64_t reconnect_ms(std::string_view frame) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(frame, ec);
  if (ec || !value.is_object()) return 0;
  const boost::json::value* ms = value.as_object().if_contains("reconnect_ms");
  if (ms == nullptr) return 0;
  const auto number = ms->to_number<std::uint64_t>(ec);
  return ec ? 0 : number;
}

}  // namespace

milliseconds Reconnector::on_lost(milliseconds retry_after) {
  const milliseconds floor = std::max(retry_after, goaway_.value_or(milliseconds{0}));
  goaway_.reset();
  return backoff_.next(floor);
}

std::optional<milliseconds> goaway_delay(std::string_view message) {
  constexpr std::string_view kGoaway = R"("op":"goaway")";
  const std::size_t at = message.find(kGoaway);
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t start = message.rfind('\n', at) + 1;  // npos + 1 is 0: the first line
  return client::server_delay(reconnect_ms(message.substr(start, message.find('\n', at) - start)));
}

}  // namespace herald::bench
