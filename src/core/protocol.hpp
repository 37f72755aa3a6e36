#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/message.hpp"
#include "core/metrics.hpp"

namespace herald {

// The frames a client sends (docs/protocol.md), decoded and validated.
struct HelloFrame {
  std::string client;
  std::string user;  // empty: anonymous
  std::string info;  // a JSON object as text; empty when not given
};
struct JoinFrame {
  std::string room;
  std::optional<Seq> since;  // absent: live only
};
struct LeaveFrame {
  std::string room;
};
struct PublishFrame {
  std::string room;
  std::string id;    // empty: no idempotency key
  std::string data;  // re-serialised JSON
};
struct HeartbeatFrame {};
struct TypingFrame {
  std::string room;
};
struct PresenceFrame {
  std::string room;
  bool counts = false;  // the count only, not the list
};
struct DecodeError {
  ProtocolError code;
  std::string reason;
  std::string room;  // when the frame named a valid room
  std::string id;    // when the frame carried a valid id
};

using ClientFrame = std::variant<HelloFrame, JoinFrame, LeaveFrame, PublishFrame, HeartbeatFrame,
                                 TypingFrame, PresenceFrame, DecodeError>;

ClientFrame decode_client_frame(std::string_view text);

// The body of the server API's publish: a publish frame without `op`, or a batch of them: an
// array of 1 to kMaxPublishBatch.
struct PublishRequest {
  std::vector<PublishFrame> messages;
  bool batch = false;  // the body was an array, so the answer is one too
};
constexpr std::size_t kMaxPublishBatch = 1000;
std::variant<PublishRequest, DecodeError> decode_publish_request(std::string_view body);

// Room names: 1..128 bytes of [A-Za-z0-9_.:@/-], so they are safe in URLs, logs and keys.
bool valid_room(std::string_view room);

// User ids: 1..121 bytes of the room name characters, so that status:<user> is a room name.
bool valid_user(std::string_view user);

// `status:<user>`: the pseudo-room whose members follow the user's online status. It has no
// messages: nobody publishes (or types) into it.
constexpr std::string_view kStatusRoomPrefix = "status:";
bool is_status_room(std::string_view room);
std::string status_room(std::string_view user);

// Largest `info` a hello may carry, serialised.
constexpr std::size_t kMaxInfoBytes = 1024;

// Client message ids: 1..128 bytes of printable ASCII.
bool valid_message_id(std::string_view id);

}  // namespace herald
