#pragma once

#include <cstdint>
#include <string_view>

namespace herald {

// Checks UTF-8 that arrives in pieces (a message's fragments): a code point may be split between
// two calls. Rejects what RFC 3629 forbids: overlong forms, surrogates, code points over
// U+10FFFF, stray continuation bytes.
class Utf8Validator {
 public:
  // False as soon as the text so far cannot be the start of valid UTF-8.
  bool feed(std::string_view text);
  // True when no code point is left unfinished.
  bool complete() const { return needed_ == 0; }
  void reset() { *this = {}; }

 private:
  bool feed_byte(std::uint8_t byte);

  std::uint8_t needed_ = 0;  // continuation bytes still to come
  std::uint8_t low_ = 0x80;  // the range the next continuation byte must fall in
  std::uint8_t high_ = 0xBF;
};

// True when `text` is complete, valid UTF-8.
bool valid_utf8(std::string_view text);

}  // namespace herald
