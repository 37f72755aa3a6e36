#include "bench/stamp.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>

namespace herald::bench {
namespace {

constexpr std::string_view kMarker = "hb:";

// The number at the front of `text` followed by ':'; moves `text` past both.
template <class T>
std::optional<T> take_field(std::string_view& text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data() + text.size() || *end != ':') return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()) + 1);
  return value;
}

}  // namespace

std::string stamp_text(const Stamp& stamp, std::size_t size) {
  std::string text =
      std::string(kMarker) + std::to_string(stamp.seq) + ":" + std::to_string(stamp.sent_us) + ":";
  if (text.size() < size) text.append(size - text.size(), 'x');
  return text;
}

std::optional<Stamp> find_stamp(std::string_view text) {
  const auto at = text.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  text.remove_prefix(at + kMarker.size());
  const auto seq = take_field<std::uint64_t>(text);
  if (!seq) return std::nullopt;
  const auto sent = take_field<std::int64_t>(text);
  if (!sent) return std::nullopt;
  return Stamp{*seq, *sent};
}

std::int64_t monotonic_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace herald::bench
