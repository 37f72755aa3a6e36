#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/message.hpp"
#include "presence/presence.hpp"

namespace herald {

// Encoders of the frames an edge sends (docs/protocol.md). Each returns one JSON object
// without a trailing newline.

std::string encode_msg(const Message& msg);
std::string encode_welcome(std::string_view session_id, const Limits& limits);

struct Joined {
  std::string_view room;
  Seq head = 0;           // newest seq in the room when the join was served
  bool recovered = true;  // false: messages after `since` are gone; delivery restarts at `from`
  Seq from = 1;           // first seq the session will be sent
};
std::string encode_joined(const Joined& joined);
std::string encode_left(std::string_view room);
// The server is going away: reconnect (to any edge) after `reconnect` plus the client's jitter.
std::string encode_goaway(std::chrono::milliseconds reconnect);
std::string encode_ack(std::string_view id, std::string_view room, Seq seq, bool duplicate);
// For transports without close frames of their own (SSE, polls): why the session ended.
std::string encode_close(int code, std::string_view reason);

// `presence`: the members of a room (or only their count when the list is counts_only), and
// the batched changes to it.
std::string encode_presence_list(std::string_view room, const PresenceList& list);
std::string encode_presence_diff(std::string_view room, const std::vector<PresenceMember>& joins,
                                 const std::vector<std::string>& leaves);
std::string encode_presence_count(std::string_view room, std::size_t count);
std::string encode_status(std::string_view user, const UserStatus& status);
std::string encode_typing(std::string_view room, std::string_view user);

struct ErrorFrame {
  std::string_view code;
  std::string_view reason;
  std::string_view room = {};  // set when the error concerns one room
  std::string_view id = {};    // set when the error answers a publish with an id
  long retry_after_ms = -1;    // set for rate_limited
};
std::string encode_error(const ErrorFrame& error);

// `[frame,frame,…]`: frames gathered into one JSON answer (a poll's, POST /send's).
void append_frame_array(std::string& out, const std::vector<Frame>& frames);

// The op of a frame an edge encoded (they all start with it); empty for anything else.
std::string_view op_of(std::string_view frame);

}  // namespace herald
