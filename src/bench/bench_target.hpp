#pragma once

#include <span>
#include <string>
#include <string_view>

namespace herald::bench {

// The server a scenario measures, and how each speaks: Herald (WebSocket /ws with hello and
// join frames, POST /api/publish) or Nchan behind nginx (WebSocket /sub/ROOM, POST /pub/ROOM).
enum class Target { herald, nchan };

std::string_view target_name(Target target);
// Throws std::invalid_argument for a name that is neither.
Target target_from_name(std::string_view name);

// Room `index` of a run: each run uses rooms of its own, so a server that a run shares with
// earlier ones (Nchan keeps messages) starts it with empty rooms.
std::string room_name(std::string_view prefix, std::size_t index);

// The request target a subscriber of `room` upgrades on.
std::string subscribe_target(Target target, std::string_view room);
// The client frames a subscriber sends once upgraded: Herald's hello and join; none for Nchan,
// whose subscription is the upgrade itself.
std::string subscribe_frames(Target target, std::string_view room);
// True when `text`, a server message, confirms the subscription (Herald's joined).
bool confirms_subscription(Target target, std::string_view text);

// One message of a publish request: `data` is a JSON string's text, unquoted.
struct PublishItem {
  std::string room;
  std::string data;
};

// A whole HTTP/1.1 keep-alive request that publishes `items`; `api_key` is Herald's server API
// key. Several items make a Herald batch (an array body); Nchan takes one at a time, so asking it
// for more throws std::invalid_argument.
std::string publish_request(Target target, std::string_view host, std::string_view api_key,
                            std::span<const PublishItem> items);

}  // namespace herald::bench
