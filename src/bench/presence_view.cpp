#include "bench/presence_view.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace herald::bench {
namespace {

namespace json = boost::json;

const json::array* array_field(const json::object& obj, std::string_view key) {
  const json::value* value = obj.if_contains(key);
  return value ? value->if_array() : nullptr;
}

const json::array& array_or_empty(const json::array* array) {
  static const json::array kEmpty;
  return array ? *array : kEmpty;
}

// The users of [{"user":…}, …]; entries without a string user are skipped.
std::vector<std::string_view> users(const json::array& entries) {
  std::vector<std::string_view> out;
  for (const json::value& entry : entries) {
    const json::object* obj = entry.if_object();
    const json::value* user = obj ? obj->if_contains("user") : nullptr;
    if (user && user->is_string()) out.emplace_back(user->get_string());
  }
  return out;
}

}  // namespace

PresenceView::Applied PresenceView::apply(std::string_view frame) {
  json::error_code ec;
  const json::value value = json::parse(frame, ec);
  const json::object* obj = ec ? nullptr : value.if_object();
  if (!obj) return {};
  if (const json::value* count = obj->if_contains("count"); count && count->is_number()) {
    counts_only_ = true;
    count_ = count->to_number<std::size_t>();
    return {.kind = Kind::count};
  }
  if (const json::array* members = array_field(*obj, "members")) {
    counts_only_ = false;
    members_.clear();
    for (const std::string_view user : users(*members))
      add(user);
    return {.kind = Kind::list};
  }
  const json::array* joins = array_field(*obj, "joins");
  const json::array* leaves = array_field(*obj, "leaves");
  if (!joins && !leaves) return {};
  Applied applied{.kind = Kind::diff};
  for (const std::string_view user : users(array_or_empty(joins))) {
    add(user);
    ++applied.joins;
  }
  for (const std::string_view user : users(array_or_empty(leaves))) {
    remove(user);
    ++applied.leaves;
  }
  return applied;
}

void PresenceView::add(std::string_view user) {
  const auto at = std::lower_bound(members_.begin(), members_.end(), user);
  if (at == members_.end() || *at != user) members_.emplace(at, user);
}

void PresenceView::remove(std::string_view user) {
  const auto at = std::lower_bound(members_.begin(), members_.end(), user);
  if (at != members_.end() && *at == user) members_.erase(at);
}

}  // namespace herald::bench
