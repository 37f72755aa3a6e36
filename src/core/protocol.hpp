#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/message.hpp"
#include "core/metrics.hpp"

namespace herald {

// The frames a client sends (docs/protocol.md), decoded and validated.
struct HelloFrame {
  std::string client;
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
struct DecodeError {
  ProtocolError code;
  std::string reason;
  std::string room;  // when the frame named a valid room
  std::string id;    // when the frame carried a valid id
};

using ClientFrame = std::variant<HelloFrame, JoinFrame, LeaveFrame, PublishFrame, DecodeError>;

ClientFrame decode_client_frame(std::string_view text);

// The body of the server API's publish: a publish frame without `op`.
std::variant<PublishFrame, DecodeError> decode_publish_request(std::string_view body);

// Room names: 1..128 bytes of [A-Za-z0-9_.:@/-], so they are safe in URLs, logs and keys.
bool valid_room(std::string_view room);

// Client message ids: 1..128 bytes of printable ASCII.
bool valid_message_id(std::string_view id);

}  // namespace herald
