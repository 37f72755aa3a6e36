#pragma once

#include <string_view>

namespace herald {

// Whether an If-None-Match header names `etag` (quoted, as sent in ETag). The header holds `*`
// or a list of entity tags, each quoted; since a tag may itself hold commas (a cursor does), the
// list is read tag by tag. The comparison is weak, as the header asks: W/"x" matches "x".
bool if_none_match_holds(std::string_view if_none_match, std::string_view etag);

}  // namespace herald
