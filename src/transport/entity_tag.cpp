#include "transport/entity_tag.hpp"

namespace herald {

bool if_none_match_holds(std::string_view if_none_match, std::string_view etag) {
  std::string_view rest = if_none_match;
  while (true) {
    const std::size_t start = rest.find_first_not_of(" \t,");
    if (start == std::string_view::npos) return false;
    rest.remove_prefix(start);
    if (rest.front() == '*') return true;
    if (rest.starts_with("W/")) rest.remove_prefix(2);
    if (rest.empty() || rest.front() != '"') return false;
    const std::size_t close = rest.find('"', 1);
    if (close == std::string_view::npos) return false;
    if (rest.substr(0, close + 1) == etag) return true;
    rest.remove_prefix(close + 1);
  }
}

}  // namespace herald
