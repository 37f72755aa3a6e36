#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bus/bus.hpp"
#include "core/metrics.hpp"
#include "presence/presence.hpp"

namespace herald {

// Presence of a single process: one table behind a mutex that every loop updates, and a thread
// that expires silent sessions and publishes what changed once per window. Loops take the mutex
// only when a session joins, leaves, closes or refreshes (a few times per ttl), never to deliver.
class MemoryPresence final : public Presence {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  MemoryPresence(Bus& bus, Metrics& metrics, PresenceOptions options,
                 Clock clock = std::chrono::steady_clock::now);
  MemoryPresence(const MemoryPresence&) = delete;
  MemoryPresence& operator=(const MemoryPresence&) = delete;

  // Calls tick() once per window on a thread of its own, until stop() (or destruction).
  void start();
  void stop();
  // Expires the sessions whose ttl ran out, then publishes the joins and leaves of every room
  // and the status changes of every user that are due.
  void tick();

  void update(const PresenceSession& session) override;
  void remove(std::string_view session_id) override;
  void list(std::string_view room, bool counts_only, ListHandler done) override;
  void status(std::string_view user, StatusHandler done) override;

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  template <typename T>
  using Table = std::map<std::string, T, std::less<>>;

  struct SessionEntry {
    std::string user;
    std::string info;
    TimePoint expires;
    std::vector<std::string> rooms;  // sorted
  };
  // A user in a room, or online: `sessions` is the truth, `announced` what was published. A
  // change is published once it held for a window, so a quick flap publishes nothing.
  struct Member {
    std::size_t sessions = 0;
    std::string info;
    bool announced = false;
    TimePoint changed;  // when sessions last went from 0 to 1 or from 1 to 0
  };
  struct Room {
    Table<Member> members;
    std::set<std::string, std::less<>> pending;  // users with a change not yet published
    std::size_t announced = 0;                   // members announced as present
  };
  struct User {
    Member online;
    TimePoint last_seen;
  };

  void enter(const std::string& room, const SessionEntry& session, TimePoint now);
  void exit(const std::string& room, const std::string& user, TimePoint now);
  void add_session(const std::string& user, TimePoint now);
  void drop_session(Table<SessionEntry>::iterator it, TimePoint now);
  // Each returns whether nothing is pending for the room (or user) any more.
  bool publish_room(const std::string& name, Room& room, TimePoint now);
  bool publish_user(const std::string& name, User& user, TimePoint now);
  bool leave_due(const Member& member, TimePoint now) const;
  std::int64_t wall_ms(TimePoint t) const;

  Bus& bus_;
  Metrics& metrics_;
  const PresenceOptions options_;
  const Clock clock_;
  // Timestamps in frames are wall-clock; durations are measured on the steady clock.
  const TimePoint steady_epoch_;
  const std::int64_t wall_epoch_ms_;

  std::mutex mutex_;
  Table<SessionEntry> sessions_;
  Table<Room> rooms_;
  Table<User> users_;
  std::set<std::string, std::less<>> pending_rooms_;
  std::set<std::string, std::less<>> pending_users_;

  std::mutex sleep_mutex_;
  std::condition_variable_any sleep_;
  std::jthread ticker_;  // last: stopped before the tables go
};

}  // namespace herald
