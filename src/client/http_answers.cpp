#include "client/http_answers.hpp"

#include <boost/json.hpp>

#include "core/json_finite.hpp"

namespace herald::client {
namespace {

namespace json = boost::json;

std::optional<json::object> parse_object(std::string_view body) {
  json::error_code ec;
  json::value value = json::parse(body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

// Each element of `obj[key]` (absent: none) as frame text; false when one is not an object.
bool frames_of(const json::object& obj, std::string_view key, std::vector<std::string>& out) {
  const json::value* value = obj.if_contains(key);
  if (!value) return true;
  const json::array* array = value->if_array();
  if (!array) return false;
  for (const json::value& frame : *array) {
    if (!frame.is_object() || !finite_numbers(frame)) return false;
    out.push_back(json::serialize(frame));
  }
  return true;
}

// The op of a frame already known to be an object.
std::string op_of(const std::string& frame) {
  const auto obj = parse_object(frame);
  const json::value* op = obj ? obj->if_contains("op") : nullptr;
  return op && op->is_string() ? std::string(op->get_string()) : std::string();
}

}  // namespace

std::optional<PollAnswer> parse_poll_answer(std::string_view body) {
  const auto obj = parse_object(body);
  if (!obj) return std::nullopt;
  PollAnswer answer;
  if (!frames_of(*obj, "events", answer.events) || !frames_of(*obj, "messages", answer.messages))
    return std::nullopt;
  if (const json::value* cursor = obj->if_contains("cursor")) {
    if (!cursor->is_string()) return std::nullopt;
    answer.cursor = cursor->get_string();
  }
  answer.news = !answer.messages.empty();
  for (const std::string& event : answer.events) {
    const std::string op = op_of(event);
    answer.goaway = answer.goaway || op == "goaway";
    answer.news = answer.news || op != "joined";
  }
  return answer;
}

std::optional<std::vector<std::string>> parse_send_answer(std::string_view body) {
  const auto obj = parse_object(body);
  if (!obj || !obj->contains("frames")) return std::nullopt;
  std::vector<std::string> frames;
  if (!frames_of(*obj, "frames", frames)) return std::nullopt;
  return frames;
}

std::optional<std::string> error_answer_frame(std::string_view body) {
  const auto obj = parse_object(body);
  const json::value* code = obj ? obj->if_contains("error") : nullptr;
  if (!code || !code->is_string()) return std::nullopt;
  json::object frame{{"op", "error"}, {"code", *code}};
  if (const json::value* reason = obj->if_contains("reason"); reason && reason->is_string())
    frame["reason"] = *reason;
  return json::serialize(frame);
}

}  // namespace herald::client
