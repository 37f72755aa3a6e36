#include "transport/stream_request.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>

#include "core/protocol.hpp"

namespace herald {
namespace http = boost::beast::http;

namespace {

struct Query {
  std::string rooms;
  std::optional<std::string> cursor;
};

std::optional<Query> read_query(const HttpRequest& request) {
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) return std::nullopt;
  Query query;
  for (const auto& param : url->params()) {
    if (param.key == "rooms") query.rooms = param.value;
    if (param.key == "cursor") query.cursor = param.value;
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

}  // namespace

std::variant<StreamRequest, StreamRequestError> parse_stream_request(const HttpRequest& request,
                                                                     const Limits& limits) {
  const auto query = read_query(request);
  if (!query) return StreamRequestError{ProtocolError::bad_frame, "the query string is malformed"};
  const std::vector<std::string> rooms = split_rooms(query->rooms);
  if (rooms.empty())
    return StreamRequestError{ProtocolError::bad_room, "name at least one room in `rooms`"};
  if (rooms.size() > limits.max_rooms) {
    return StreamRequestError{ProtocolError::too_many_rooms, "more rooms than a session may join"};
  }
  const auto cursor = decode_cursor(query->cursor.value_or(""), limits.max_rooms);
  if (!cursor) return StreamRequestError{ProtocolError::bad_cursor, "the cursor is malformed"};
  StreamRequest stream;
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

}  // namespace herald
