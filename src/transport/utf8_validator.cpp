#include "transport/utf8_validator.hpp"

namespace herald {
namespace {

constexpr std::uint8_t kContinuationLow = 0x80;
constexpr std::uint8_t kContinuationHigh = 0xBF;

}  // namespace

bool Utf8Validator::feed(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<std::uint8_t>(c);
    // ASCII outside a code point is the common case: nothing to track.
    if (needed_ == 0 && byte < 0x80) continue;
    if (!feed_byte(byte)) return false;
  }
  return true;
}

bool Utf8Validator::feed_byte(std::uint8_t byte) {
  if (needed_ > 0) {
    if (byte < low_ || byte > high_) return false;
    low_ = kContinuationLow;
    high_ = kContinuationHigh;
    --needed_;
    return true;
  }
  // The first continuation byte's range excludes overlong forms (E0, F0), surrogates (ED) and
  // code points past U+10FFFF (F4).
  if (byte >= 0xC2 && byte <= 0xDF) {
    needed_ = 1;
  } else if (byte >= 0xE0 && byte <= 0xEF) {
    needed_ = 2;
    low_ = byte == 0xE0 ? 0xA0 : kContinuationLow;
    high_ = byte == 0xED ? 0x9F : kContinuationHigh;
  } else if (byte >= 0xF0 && byte <= 0xF4) {
    needed_ = 3;
    low_ = byte == 0xF0 ? 0x90 : kContinuationLow;
    high_ = byte == 0xF4 ? 0x8F : kContinuationHigh;
  } else {
    return false;
  }
  return true;
}

bool valid_utf8(std::string_view text) {
  Utf8Validator validator;
  return validator.feed(text) && validator.complete();
}

}  // namespace herald
