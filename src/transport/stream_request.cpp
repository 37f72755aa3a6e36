#include "transport/stream_request.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <charconv>

#include "core/json_text.hpp"
#include "core/protocol.hpp"

namespace herald {
namespace http = boost::beast::http;

namespace {

struct Query {
  std::string rooms;
  std::optional<std::string> cursor;
  std::optional<std::string> wait;
  std::string user;
};

std::optional<Query> read_query(const HttpRequest& request) {
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) return std::nullopt;
  Query query;
  for (const auto& param : url->params()) {
    if (param.key == "rooms") query.rooms = param.value;
    if (param.key == "cursor") query.cursor = param.value;
    if (param.key == "wait") query.wait = param.value;
    if (param.key == "user") query.user = param.value;
  }
  if (!query.cursor) {
    const auto last_event_id = request.find("Last-Event-ID");
    if (last_event_id != request.end()) query.cursor = std::string(last_event_id->value());
  }
  return query;
}

std::vector<std::string> split_rooms(std::string_view text) {
  std::vector<std::string> rooms;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    rooms.emplace_back(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return rooms;
}

std::optional<Seq> position_in(const Cursor& cursor, std::string_view room) {
  const auto it = std::find_if(cursor.begin(), cursor.end(),
                               [room](const auto& entry) { return entry.first == room; });
  return it == cursor.end() ? std::nullopt : std::optional(it->second);
}

std::variant<StreamRequest, StreamRequestError> stream_of(const Query& query,
                                                          const Limits& limits) {
  const std::vector<std::string> rooms = split_rooms(query.rooms);
  if (rooms.empty())
    return StreamRequestError{ProtocolError::bad_room, "name at least one room in `rooms`"};
  if (rooms.size() > limits.max_rooms) {
    return StreamRequestError{ProtocolError::too_many_rooms, "more rooms than a session may join"};
  }
  const auto cursor = decode_cursor(query.cursor.value_or(""), limits.max_rooms);
  if (!cursor) return StreamRequestError{ProtocolError::bad_cursor, "the cursor is malformed"};
  if (!query.user.empty() && !valid_user(query.user)) {
    return StreamRequestError{ProtocolError::bad_frame,
                              "`user` is 1-121 characters of A-Z a-z 0-9 _ . : @ / -"};
  }
  StreamRequest stream;
  stream.user = query.user;
  for (const std::string& room : rooms) {
    if (!valid_room(room))
      return StreamRequestError{ProtocolError::bad_room, "invalid room name: " + room};
    const bool twice = std::any_of(stream.rooms.begin(), stream.rooms.end(),
                                   [&room](const auto& r) { return r.name == room; });
    if (twice) return StreamRequestError{ProtocolError::bad_room, "room named twice: " + room};
    stream.rooms.push_back({room, position_in(*cursor, room)});
  }
  return stream;
}

std::optional<std::chrono::seconds> wait_of(const Query& query) {
  if (!query.wait) return kLongPollWait;
  const std::string_view text = *query.wait;
  unsigned seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec == std::errc::invalid_argument || end != text.data() + text.size()) {
    return std::nullopt;
  }
  if (ec == std::errc::result_out_of_range) return kMaxPollWait;
  return std::min(std::chrono::seconds(seconds), kMaxPollWait);
}

}  // namespace

std::string hello_frame(std::string_view client, const StreamRequest& request) {
  std::string frame = R"({"op":"hello","client":)";
  append_json_string(frame, client);
  if (!request.user.empty()) {
    frame += R"(,"user":)";
    append_json_string(frame, request.user);
  }
  frame += '}';
  return frame;
}

std::string join_frame(const StreamRequest::Room& room) {
  std::string frame = R"({"op":"join","room":)";
  append_json_string(frame, room.name);
  if (room.since) frame += R"(,"since":)" + std::to_string(*room.since);
  frame += '}';
  return frame;
}

std::variant<StreamRequest, StreamRequestError> parse_stream_request(const HttpRequest& request,
                                                                     const Limits& limits) {
  const auto query = read_query(request);
  if (!query) return StreamRequestError{ProtocolError::bad_frame, "the query string is malformed"};
  return stream_of(*query, limits);
}

std::variant<PollRequest, StreamRequestError> parse_poll_request(const HttpRequest& request,
                                                                 const Limits& limits) {
  const auto query = read_query(request);
  if (!query) return StreamRequestError{ProtocolError::bad_frame, "the query string is malformed"};
  const auto wait = wait_of(*query);
  if (!wait) return StreamRequestError{ProtocolError::bad_frame, "`wait` is whole seconds"};
  auto stream = stream_of(*query, limits);
  if (auto* error = std::get_if<StreamRequestError>(&stream)) return std::move(*error);
  return PollRequest{std::get<StreamRequest>(std::move(stream)), *wait};
}

}  // namespace herald
