#include "core/cursor.hpp"

#include <algorithm>
#include <charconv>

#include "core/protocol.hpp"

namespace herald {
namespace {

constexpr char kPairs = ',';
constexpr char kSeq = '~';

// Decimal without leading zeros: each cursor has one spelling, so equal cursors have equal ETags.
std::optional<Seq> parse_seq(std::string_view text) {
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  Seq seq = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return seq;
}

}  // namespace

std::string encode_cursor(const Cursor& cursor) {
  std::string out;
  for (const auto& [room, seq] : cursor) {
    if (!out.empty()) out += kPairs;
    out += room;
    out += kSeq;
    out += std::to_string(seq);
  }
  return out;
}

std::optional<Cursor> decode_cursor(std::string_view text, std::size_t max_rooms) {
  Cursor cursor;
  while (!text.empty()) {
    const std::size_t comma = text.find(kPairs);
    const std::string_view pair = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) return std::nullopt;  // trailing ','
    const std::size_t tilde = pair.rfind(kSeq);
    if (tilde == std::string_view::npos) return std::nullopt;
    const std::string_view room = pair.substr(0, tilde);
    const auto seq = parse_seq(pair.substr(tilde + 1));
    if (!valid_room(room) || !seq || cursor.size() == max_rooms) return std::nullopt;
    const bool named_before = std::any_of(
        cursor.begin(), cursor.end(), [room](const auto& entry) { return entry.first == room; });
    if (named_before) return std::nullopt;
    cursor.emplace_back(room, *seq);
  }
  return cursor;
}

}  // namespace herald
