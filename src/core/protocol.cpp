#include "core/protocol.hpp"

#include <boost/json.hpp>

#include "core/json_finite.hpp"

namespace herald {
namespace json = boost::json;

constexpr std::size_t kMaxName = 128;

namespace {

bool valid_name(std::string_view name, std::size_t max) {
  if (name.empty() || name.size() > max) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ':' || c == '@' || c == '/' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool valid_user(std::string_view user) {
  return valid_name(user, kMaxName - kStatusRoomPrefix.size());
}

bool is_status_room(std::string_view room) {
  return room.starts_with(kStatusRoomPrefix);
}

std::string status_room(std::string_view user) {
  return std::string(kStatusRoomPrefix) + std::string(user);
}

bool valid_room(std::string_view room) {
  if (is_status_room(room)) return valid_user(room.substr(kStatusRoomPrefix.size()));
  return valid_name(room, kMaxName);
}

bool valid_message_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxName) return false;
  for (const char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

namespace {

DecodeError error(ProtocolError code, std::string reason) {
  return {code, std::move(reason), {}, {}};
}

DecodeError missing_or_mistyped(std::string_view field, std::string_view type) {
  return error(ProtocolError::bad_frame,
               "field '" + std::string(field) + "' is missing or not " + std::string(type));
}

// Reads the required room field; on failure returns the error to answer with.
std::variant<std::string, DecodeError> read_room(const json::object& frame) {
  const auto* room = frame.if_contains("room");
  if (room == nullptr || !room->is_string()) return missing_or_mistyped("room", "a string");
  const std::string_view name = room->get_string();
  if (!valid_room(name)) {
    // The name is echoed so that a client can tell which of its frames failed; a long one is
    // not, rather than cut inside a UTF-8 sequence.
    DecodeError e = error(ProtocolError::bad_room,
                          "room names are 1-128 characters of A-Z a-z 0-9 _ . : @ / -");
    if (name.size() <= 2 * kMaxName) e.room = name;
    return e;
  }
  return std::string(name);
}

ClientFrame decode_hello(const json::object& frame) {
  HelloFrame hello;
  if (const auto* client = frame.if_contains("client")) {
    if (!client->is_string()) return missing_or_mistyped("client", "a string");
    hello.client = std::string_view(client->get_string()).substr(0, kMaxName);
  }
  if (const auto* user = frame.if_contains("user"); user != nullptr && !user->is_null()) {
    if (!user->is_string() || !valid_user(user->get_string())) {
      return missing_or_mistyped("user", "1-121 characters of A-Z a-z 0-9 _ . : @ / -");
    }
    hello.user = user->get_string();
  }
  if (const auto* info = frame.if_contains("info"); info != nullptr && !info->is_null()) {
    if (info->is_object()) hello.info = json::serialize(*info);
    if (hello.info.empty() || hello.info.size() > kMaxInfoBytes) {
      return missing_or_mistyped("info", "a JSON object of at most 1024 bytes");
    }
  }
  return hello;
}

ClientFrame decode_join(const json::object& frame) {
  auto room = read_room(frame);
  if (auto* e = std::get_if<DecodeError>(&room)) return std::move(*e);
  JoinFrame join{std::move(std::get<std::string>(room)), std::nullopt};
  if (const auto* since = frame.if_contains("since"); since != nullptr && !since->is_null()) {
    if (since->is_uint64()) {
      join.since = since->get_uint64();
    } else if (since->is_int64() && since->get_int64() >= 0) {
      join.since = static_cast<Seq>(since->get_int64());
    } else {
      DecodeError e = missing_or_mistyped("since", "a non-negative integer");
      e.room = join.room;
      return e;
    }
  }
  return join;
}

// A frame whose only field is its room.
template <typename Frame>
ClientFrame decode_room_only(std::variant<std::string, DecodeError> room) {
  if (auto* e = std::get_if<DecodeError>(&room)) return std::move(*e);
  return Frame{std::move(std::get<std::string>(room))};
}

// Reads the room of a frame that would put something into it, which a status room refuses.
std::variant<std::string, DecodeError> read_writable_room(const json::object& frame) {
  auto room = read_room(frame);
  if (const auto* name = std::get_if<std::string>(&room); name && is_status_room(*name)) {
    DecodeError e = error(ProtocolError::read_only_room, "status rooms carry only status frames");
    e.room = *name;
    return e;
  }
  return room;
}

ClientFrame decode_presence(const json::object& frame) {
  auto room = read_room(frame);
  if (auto* e = std::get_if<DecodeError>(&room)) return std::move(*e);
  PresenceFrame presence{std::move(std::get<std::string>(room))};
  if (const auto* counts = frame.if_contains("counts"); counts != nullptr && !counts->is_null()) {
    if (!counts->is_bool()) {
      DecodeError e = missing_or_mistyped("counts", "a boolean");
      e.room = presence.room;
      return e;
    }
    presence.counts = counts->get_bool();
  }
  return presence;
}

ClientFrame decode_publish(const json::object& frame) {
  auto room = read_writable_room(frame);
  if (auto* e = std::get_if<DecodeError>(&room)) return std::move(*e);
  PublishFrame publish{std::move(std::get<std::string>(room)), {}, {}};
  if (const auto* id = frame.if_contains("id"); id != nullptr && !id->is_null()) {
    if (!id->is_string() || !valid_message_id(id->get_string())) {
      DecodeError e = missing_or_mistyped("id", "1-128 printable ASCII characters");
      e.room = publish.room;
      return e;
    }
    publish.id = id->get_string();
  }
  const auto* data = frame.if_contains("data");
  if (data == nullptr) {
    DecodeError e = missing_or_mistyped("data", "present");
    e.room = publish.room;
    e.id = publish.id;
    return e;
  }
  if (!finite_numbers(*data)) {
    DecodeError e = missing_or_mistyped("data", "JSON whose numbers fit a double");
    e.room = publish.room;
    e.id = publish.id;
    return e;
  }
  publish.data = json::serialize(*data);
  return publish;
}

// Frames are small: they parse into a stack arena and fall back to the heap only for big ones.
constexpr std::size_t kParseArena = 4096;

// Parses `text` and hands the value to `decode`, whose result it returns.
template <typename Decode>
auto with_value(std::string_view text, Decode decode) -> decltype(decode(json::value())) {
  unsigned char arena[kParseArena];
  json::monotonic_resource resource(arena, sizeof(arena));
  json::error_code ec;
  const json::value value = json::parse(text, ec, &resource);
  if (ec) return error(ProtocolError::bad_json, "not valid JSON: " + ec.message());
  return decode(value);
}

ClientFrame decode_object(const json::object& frame) {
  const auto* op = frame.if_contains("op");
  if (op == nullptr || !op->is_string()) return missing_or_mistyped("op", "a string");

  const std::string_view name = op->get_string();
  if (name == "publish") return decode_publish(frame);
  if (name == "join") return decode_join(frame);
  if (name == "leave") return decode_room_only<LeaveFrame>(read_room(frame));
  if (name == "heartbeat") return HeartbeatFrame{};
  if (name == "typing") return decode_room_only<TypingFrame>(read_writable_room(frame));
  if (name == "presence") return decode_presence(frame);
  if (name == "hello") return decode_hello(frame);
  return error(ProtocolError::unknown_op, "unknown op");
}

// Element `index` of a batch, as a PublishRequest's message; errors name the element.
ClientFrame decode_batch_element(const json::value& element, std::size_t index) {
  const auto* object = element.if_object();
  ClientFrame frame = object != nullptr
                          ? decode_publish(*object)
                          : error(ProtocolError::bad_json, "a message must be a JSON object");
  if (auto* e = std::get_if<DecodeError>(&frame)) {
    e->reason = "message " + std::to_string(index) + ": " + e->reason;
  }
  return frame;
}

std::variant<PublishRequest, DecodeError> decode_batch(const json::array& elements) {
  if (elements.empty() || elements.size() > kMaxPublishBatch) {
    return error(ProtocolError::bad_frame,
                 "a batch holds 1 to " + std::to_string(kMaxPublishBatch) + " messages");
  }
  PublishRequest request{{}, true};
  request.messages.reserve(elements.size());
  for (std::size_t i = 0; i < elements.size(); ++i) {
    ClientFrame frame = decode_batch_element(elements[i], i);
    if (auto* e = std::get_if<DecodeError>(&frame)) return std::move(*e);
    request.messages.push_back(std::get<PublishFrame>(std::move(frame)));
  }
  return request;
}

}  // namespace

ClientFrame decode_client_frame(std::string_view text) {
  return with_value(text, [](const json::value& value) -> ClientFrame {
    const auto* object = value.if_object();
    if (object == nullptr) return error(ProtocolError::bad_json, "a frame must be a JSON object");
    return decode_object(*object);
  });
}

std::variant<PublishRequest, DecodeError> decode_publish_request(std::string_view body) {
  using Result = std::variant<PublishRequest, DecodeError>;
  return with_value(body, [](const json::value& value) -> Result {
    if (const auto* elements = value.if_array()) return decode_batch(*elements);
    const auto* object = value.if_object();
    if (object == nullptr) {
      return error(ProtocolError::bad_json, "the body must be a JSON object or an array of them");
    }
    ClientFrame frame = decode_publish(*object);
    if (auto* e = std::get_if<DecodeError>(&frame)) return std::move(*e);
    return PublishRequest{{std::get<PublishFrame>(std::move(frame))}, false};
  });
}

}  // namespace herald
