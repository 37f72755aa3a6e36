#pragma once

#include <string>
#include <string_view>

namespace herald {

// Appends `text` (valid UTF-8) to `out` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view text);

}  // namespace herald
