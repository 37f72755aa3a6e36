#include "bench/bench_target.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "bench/ws_frame.hpp"

namespace herald::bench {

std::string_view target_name(Target target) {
  return target == Target::herald ? "herald" : "nchan";
}

Target target_from_name(std::string_view name) {
  if (name == "herald") return Target::herald;
  if (name == "nchan") return Target::nchan;
  throw std::invalid_argument("unknown target " + std::string(name));
}

std::string room_name(std::string_view prefix, std::size_t index) {
  return fmt::format("{}-{}", prefix, index);
}

std::string subscribe_target(Target target, std::string_view room) {
  return target == Target::herald ? std::string("/ws") : "/sub/" + std::string(room);
}

std::string subscribe_frames(Target target, std::string_view room) {
  std::string out;
  if (target == Target::nchan) return out;
  append_ws_client_frame(out, WsOpcode::text, R"({"op":"hello","client":"herald-bench/1"})");
  append_ws_client_frame(out, WsOpcode::text,
                         R"({"op":"join","room":")" + std::string(room) + R"("})");
  return out;
}

bool confirms_subscription(Target target, std::string_view text) {
  return target == Target::nchan || text.find(R"("op":"joined")") != std::string_view::npos;
}

namespace {

std::string quoted(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 2);
  out.append(1, '"').append(data).append(1, '"');
  return out;
}

// Herald's publish body: one message, or a batch of them.
std::string herald_body(std::span<const PublishItem> items) {
  std::string body = items.size() > 1 ? "[" : "";
  for (const PublishItem& item : items) {
    if (body.size() > 1) body += ',';
    body.append(R"({"room":")").append(item.room).append(R"(","data":)");
    body.append(quoted(item.data)).append("}");
  }
  if (items.size() > 1) body += ']';
  return body;
}

}  // namespace

std::string publish_request(Target target, std::string_view host, std::string_view api_key,
                            std::span<const PublishItem> items) {
  const bool herald = target == Target::herald;
  if (items.empty() || (!herald && items.size() > 1)) {
    throw std::invalid_argument("Nchan publishes one message per request");
  }
  // Both carry the same JSON string; Herald wraps it in its publish body.
  const std::string body = herald ? herald_body(items) : quoted(items.front().data);
  std::string request = herald ? "POST /api/publish" : "POST /pub/" + items.front().room;
  request.append(" HTTP/1.1\r\nHost: ").append(host);
  if (herald) request.append("\r\nAuthorization: Bearer ").append(api_key);
  request.append("\r\nContent-Type: application/json\r\nContent-Length: ")
      .append(std::to_string(body.size()))
      .append("\r\n\r\n")
      .append(body);
  return request;
}

}  // namespace herald::bench
