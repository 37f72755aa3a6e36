#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::client {

// The JSON bodies of the HTTP transports (docs/protocol.md), taken apart into frames the Client
// handles exactly as if a WebSocket had carried them. No I/O.

// 200 to GET /poll: {"messages":[<msg>...],"events":[<other frames>...],"cursor":"..."}.
struct PollAnswer {
  std::vector<std::string> events;  // first: a room's `joined` precedes its messages
  std::vector<std::string> messages;
  std::string cursor;
  bool goaway = false;  // one of the events is a `goaway`: the edge is draining
  // Anything but the `joined` events every poll starts with: worth polling again at once.
  bool news = false;
};
// Nothing when the body is not such an object (a missing `cursor` is allowed, a frame that is
// not an object is not).
std::optional<PollAnswer> parse_poll_answer(std::string_view body);

// 200 to POST /send: {"frames":[<ack, error or presence frames>...]}.
std::optional<std::vector<std::string>> parse_send_answer(std::string_view body);

// A 4xx/5xx error body, {"error":code,"reason":text}, as the `error` frame the WebSocket
// protocol would have sent ({"op":"error","code":…,"reason":…}); nothing when it is not one.
std::optional<std::string> error_answer_frame(std::string_view body);

}  // namespace herald::client
