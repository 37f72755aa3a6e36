#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/message.hpp"

namespace herald {

// Where a client stands in each of its rooms: the last seq it was given (or, right after
// `joined`, the seq before `from`). Rooms appear at most once, in the order they were joined.
using Cursor = std::vector<std::pair<std::string, Seq>>;

// A cursor as one compact text, `room~seq` pairs joined by ',' (room names contain neither):
// "chat~42,news~7". SSE event ids and poll cursors carry it, so any transport resumes exactly.
std::string encode_cursor(const Cursor& cursor);

// Nothing for malformed text: an invalid room, a seq that is not a decimal number, a room named
// twice, more than `max_rooms` rooms. The empty text is the empty cursor.
std::optional<Cursor> decode_cursor(std::string_view text, std::size_t max_rooms);

}  // namespace herald
