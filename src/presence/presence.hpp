#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

struct PresenceOptions {
  std::chrono::milliseconds ttl{60'000};    // a session silent this long is no longer present
  std::chrono::milliseconds window{2'000};  // diffs are batched over it; a shorter flap is hidden
  std::size_t list_max = 1000;              // above this many members a room gets counts only
};

// What one identified session tells presence about itself: who it is and every room it is in.
struct PresenceSession {
  std::string_view id;    // session id
  std::string_view user;  // never empty: anonymous sessions are not tracked
  std::string_view info;  // a JSON object, as text
  std::vector<std::string_view> rooms;
};

struct PresenceMember {
  std::string user;
  std::string info;
  std::size_t sessions = 0;
};

// The members of a room as its diffs describe them, or only how many there are.
struct PresenceList {
  std::vector<PresenceMember> members;  // sorted by user; empty when counts_only
  std::size_t count = 0;
  bool counts_only = false;
};

// Times are Unix milliseconds; none: the user was never seen.
struct UserStatus {
  bool online = false;
  std::optional<std::int64_t> ts_ms;         // when the user came online, or was last seen
  std::optional<std::int64_t> last_seen_ms;  // when any session of the user was last heard of
};

// Who is in which room and which users are online, shared by every loop of an edge (and, for
// distributed backends, by every edge). Changes are announced by publishing `presence` frames
// to the room and `status` frames to `status:<user>` on the bus, batched and debounced over the
// window. Thread-safe.
class Presence {
 public:
  using ListHandler = std::function<void(PresenceList)>;
  using StatusHandler = std::function<void(UserStatus)>;

  virtual ~Presence() = default;

  // The session is alive and in exactly `session.rooms` for another ttl. Cheap to repeat; it
  // brings back a session whose entries had expired.
  virtual void update(const PresenceSession& session) = 0;
  // The session is gone (closed, or a new identity).
  virtual void remove(std::string_view session_id) = 0;

  // The answers are the state the published diffs lead to, so that a client that asks and then
  // applies diffs is always right. `done` may run under the backend's lock, before any diff
  // published after the answer: it must only hand the answer over to its own thread.
  virtual void list(std::string_view room, bool counts_only, ListHandler done) = 0;
  virtual void status(std::string_view user, StatusHandler done) = 0;
};

}  // namespace herald
