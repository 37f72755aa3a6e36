#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/cursor.hpp"
#include "core/limits.hpp"
#include "core/metrics.hpp"
#include "transport/http_router.hpp"

namespace herald {

// What `GET /sse?rooms=a,b&cursor=…` asks for. The cursor may come as the `cursor` parameter or
// as the Last-Event-ID header a browser sends when it reconnects an EventSource.
struct StreamRequest {
  struct Room {
    std::string name;
    std::optional<Seq> since;  // from the cursor; absent: live messages only
  };
  std::vector<Room> rooms;
  std::string user;  // `user=`: who this is, for presence (empty: anonymous)
};

// The `hello` of a stream's session: `client` names the transport; the user, if any, is checked
// by the session like any hello's.
std::string hello_frame(std::string_view client, const StreamRequest& request);
// The client frame that joins `room` where the request's cursor stands.
std::string join_frame(const StreamRequest::Room& room);

struct StreamRequestError {
  ProtocolError code;  // bad_frame, bad_room, bad_cursor, too_many_rooms
  std::string reason;
};

// A long- or short-poll: `GET /poll?rooms=a,b&cursor=…&wait=S`.
struct PollRequest {
  StreamRequest stream;
  std::chrono::seconds wait;  // 0: answer at once (short-poll)
};
// The wait of a poll that names none, and the longest one granted (longer asks are cut to it):
// well under the idle timeouts of common proxies.
constexpr std::chrono::seconds kLongPollWait{30};
constexpr std::chrono::seconds kMaxPollWait{60};

// Rooms of the cursor that the request does not name are ignored: a client may change its rooms
// between reconnects and keep its cursor.
std::variant<StreamRequest, StreamRequestError> parse_stream_request(const HttpRequest& request,
                                                                     const Limits& limits);
std::variant<PollRequest, StreamRequestError> parse_poll_request(const HttpRequest& request,
                                                                 const Limits& limits);

}  // namespace herald
