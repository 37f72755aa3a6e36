#include "core/frames.hpp"

#include <charconv>
#include <iterator>

#include "core/json_text.hpp"

namespace herald {
namespace {

void append_field(std::string& out, std::string_view name, std::string_view text) {
  out += ",\"";
  out += name;
  out += "\":";
  append_json_string(out, text);
}

void append_field(std::string& out, std::string_view name, std::uint64_t number) {
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(number);
}

void append_field(std::string& out, std::string_view name, double number) {
  char text[32];
  const auto end = std::to_chars(std::begin(text), std::end(text), number).ptr;
  out += ",\"";
  out += name;
  out += "\":";
  out.append(text, end);
}

// An absent client message id is sent as null, so every frame has the same shape.
void append_id(std::string& out, std::string_view id) {
  if (id.empty()) {
    out += ",\"id\":null";
  } else {
    append_field(out, "id", id);
  }
}

void append_member(std::string& out, const PresenceMember& member, bool with_sessions) {
  out += "{\"user\":";
  append_json_string(out, member.user);
  out += ",\"info\":";
  out += member.info.empty() ? "{}" : member.info;
  if (with_sessions) append_field(out, "sessions", std::uint64_t{member.sessions});
  out += '}';
}

void append_members(std::string& out, std::string_view name,
                    const std::vector<PresenceMember>& members, bool with_sessions) {
  out += ",\"";
  out += name;
  out += "\":[";
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out += ',';
    append_member(out, members[i], with_sessions);
  }
  out += ']';
}

}  // namespace

std::string encode_msg(const Message& msg) {
  std::string out;
  out.reserve(64 + msg.room.size() + msg.id.size() + msg.data.size());
  out += R"({"op":"msg")";
  append_field(out, "room", msg.room);
  append_field(out, "seq", msg.seq);
  append_id(out, msg.id);
  out += ",\"data\":";
  out += msg.data;
  append_field(out, "ts", static_cast<std::uint64_t>(msg.ts_ms));
  out += '}';
  return out;
}

std::string encode_welcome(std::string_view session_id, const Limits& limits) {
  std::string out = R"({"op":"welcome","version":1)";
  append_field(out, "session", session_id);
  append_field(out, "heartbeat_ms", static_cast<std::uint64_t>(limits.heartbeat.count()));
  out += R"(,"limits":{"max_frame_bytes":)" + std::to_string(limits.max_frame_bytes);
  append_field(out, "max_rooms", limits.max_rooms);
  append_field(out, "publish_rate", limits.publish_rate);
  append_field(out, "publish_burst", limits.publish_burst);
  append_field(out, "outbound_queue_bytes", limits.outbound_queue_bytes);
  out += "}}";
  return out;
}

std::string encode_goaway(std::chrono::milliseconds reconnect) {
  std::string out = R"({"op":"goaway")";
  append_field(out, "reconnect_ms", static_cast<std::uint64_t>(reconnect.count()));
  out += '}';
  return out;
}

std::string encode_close(int code, std::string_view reason) {
  std::string out = R"({"op":"close")";
  append_field(out, "code", static_cast<std::uint64_t>(code));
  append_field(out, "reason", reason);
  out += '}';
  return out;
}

std::string encode_joined(const Joined& joined) {
  std::string out = R"({"op":"joined")";
  append_field(out, "room", joined.room);
  append_field(out, "seq", joined.head);
  out += joined.recovered ? R"(,"recovered":true)" : R"(,"recovered":false)";
  append_field(out, "from", joined.from);
  out += '}';
  return out;
}

std::string encode_left(std::string_view room) {
  std::string out = R"({"op":"left")";
  append_field(out, "room", room);
  out += '}';
  return out;
}

std::string encode_ack(std::string_view id, std::string_view room, Seq seq, bool duplicate) {
  std::string out = R"({"op":"ack")";
  append_id(out, id);
  append_field(out, "room", room);
  append_field(out, "seq", seq);
  out += duplicate ? R"(,"duplicate":true)" : R"(,"duplicate":false)";
  out += '}';
  return out;
}

std::string encode_presence_list(std::string_view room, const PresenceList& list) {
  if (list.counts_only) return encode_presence_count(room, list.count);
  std::string out = R"({"op":"presence")";
  append_field(out, "room", room);
  append_members(out, "members", list.members, true);
  out += '}';
  return out;
}

std::string encode_presence_diff(std::string_view room, const std::vector<PresenceMember>& joins,
                                 const std::vector<std::string>& leaves) {
  std::string out = R"({"op":"presence")";
  append_field(out, "room", room);
  append_members(out, "joins", joins, false);
  out += R"(,"leaves":[)";
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    out += i > 0 ? R"(,{"user":)" : R"({"user":)";
    append_json_string(out, leaves[i]);
    out += '}';
  }
  out += "]}";
  return out;
}

std::string encode_presence_count(std::string_view room, std::size_t count) {
  std::string out = R"({"op":"presence")";
  append_field(out, "room", room);
  append_field(out, "count", std::uint64_t{count});
  out += '}';
  return out;
}

std::string encode_status(std::string_view user, const UserStatus& status) {
  std::string out = R"({"op":"status")";
  append_field(out, "user", user);
  out += status.online ? R"(,"online":true)" : R"(,"online":false)";
  if (status.ts_ms) {
    append_field(out, "ts", static_cast<std::uint64_t>(*status.ts_ms));
  } else {
    out += R"(,"ts":null)";
  }
  out += '}';
  return out;
}

std::string encode_typing(std::string_view room, std::string_view user) {
  std::string out = R"({"op":"typing")";
  append_field(out, "room", room);
  append_field(out, "user", user);
  out += '}';
  return out;
}

std::string encode_error(const ErrorFrame& error) {
  std::string out = R"({"op":"error")";
  append_field(out, "code", error.code);
  append_field(out, "reason", error.reason);
  if (!error.room.empty()) append_field(out, "room", error.room);
  if (!error.id.empty()) append_field(out, "id", error.id);
  if (error.retry_after_ms >= 0) {
    append_field(out, "retry_after_ms", static_cast<std::uint64_t>(error.retry_after_ms));
  }
  out += '}';
  return out;
}

void append_frame_array(std::string& out, const std::vector<Frame>& frames) {
  out += '[';
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (i > 0) out += ',';
    out += *frames[i];
  }
  out += ']';
}

std::string_view op_of(std::string_view frame) {
  constexpr std::string_view kPrefix = R"({"op":")";
  if (!frame.starts_with(kPrefix)) return {};
  const std::string_view rest = frame.substr(kPrefix.size());
  return rest.substr(0, rest.find('"'));
}

}  // namespace herald
