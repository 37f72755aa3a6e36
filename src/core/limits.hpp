#pragma once

#include <chrono>
#include <cstddef>

namespace herald {

// Every per-session limit, in one place. Defaults are the documented ones.
struct Limits {
  std::size_t max_frame_bytes = std::size_t{64} * 1024;
  std::size_t max_rooms = 100;
  double publish_rate = 100;  // sustained publishes per second
  double publish_burst = 200;
  std::size_t outbound_queue_bytes = std::size_t{1024} * 1024;
  std::chrono::milliseconds heartbeat{30'000};
  // A session silent this long leaves presence; 0 means twice the heartbeat.
  std::chrono::milliseconds presence_ttl{0};
  // At most one typing notice per session and room is forwarded within this interval.
  std::chrono::milliseconds typing_interval{2'000};

  // A request body: one frame, plus room for the fields around it (room, id, names).
  std::size_t max_body_bytes() const { return max_frame_bytes + 1024; }

  std::chrono::milliseconds effective_presence_ttl() const {
    return presence_ttl.count() > 0 ? presence_ttl : 2 * heartbeat;
  }
  // A WebSocket silent for ping_interval is pinged; silent pong_timeout longer, it is dead.
  std::chrono::seconds ping_interval{25};
  std::chrono::seconds pong_timeout{10};
  // An event stream silent this long gets a comment, so proxies and NATs keep it open.
  std::chrono::seconds stream_keepalive{15};
};

}  // namespace herald
