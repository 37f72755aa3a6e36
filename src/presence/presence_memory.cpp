#include "presence/presence_memory.hpp"

#include <algorithm>

#include "core/frames.hpp"
#include "core/protocol.hpp"
#include "core/thread_name.hpp"

namespace herald {
namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

MemoryPresence::MemoryPresence(Bus& bus, Metrics& metrics, PresenceOptions options, Clock clock)
    : bus_(bus),
      metrics_(metrics),
      options_(options),
      clock_(std::move(clock)),
      steady_epoch_(clock_()),
      wall_epoch_ms_(system_now_ms()) {}

void MemoryPresence::start() {
  ticker_ = std::jthread([this](const std::stop_token& stop) {
    name_this_thread("presence");
    std::unique_lock lock(sleep_mutex_);
    while (!sleep_.wait_for(lock, stop, options_.window, [&] { return stop.stop_requested(); }))
      tick();
  });
}

void MemoryPresence::stop() {
  ticker_.request_stop();
  if (ticker_.joinable()) ticker_.join();
}

std::int64_t MemoryPresence::wall_ms(TimePoint t) const {
  return wall_epoch_ms_ +
         std::chrono::duration_cast<std::chrono::milliseconds>(t - steady_epoch_).count();
}

bool MemoryPresence::leave_due(const Member& member, TimePoint now) const {
  return member.sessions == 0 && now - member.changed >= options_.window;
}

void MemoryPresence::update(const PresenceSession& session) {
  std::vector<std::string_view> rooms = session.rooms;
  std::sort(rooms.begin(), rooms.end());
  rooms.erase(std::unique(rooms.begin(), rooms.end()), rooms.end());

  const std::lock_guard lock(mutex_);
  const TimePoint now = clock_();
  auto it = sessions_.find(session.id);
  if (it != sessions_.end() && it->second.user != session.user) {
    drop_session(it, now);
    it = sessions_.end();
  }
  if (it == sessions_.end()) {
    it = sessions_.emplace(std::string(session.id), SessionEntry{std::string(session.user)}).first;
    add_session(it->second.user, now);
  }
  SessionEntry& entry = it->second;
  entry.info = session.info;
  entry.expires = now + options_.ttl;
  users_[entry.user].last_seen = now;

  std::vector<std::string> left;
  std::set_difference(entry.rooms.begin(), entry.rooms.end(), rooms.begin(), rooms.end(),
                      std::back_inserter(left));
  std::vector<std::string_view> joined;
  std::set_difference(rooms.begin(), rooms.end(), entry.rooms.begin(), entry.rooms.end(),
                      std::back_inserter(joined));
  for (const auto& room : left)
    exit(room, entry.user, now);
  entry.rooms.assign(rooms.begin(), rooms.end());
  for (const auto room : joined)
    enter(std::string(room), entry, now);
}

void MemoryPresence::remove(std::string_view session_id) {
  const std::lock_guard lock(mutex_);
  const auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  const TimePoint now = clock_();
  users_[it->second.user].last_seen = now;
  drop_session(it, now);
}

void MemoryPresence::add_session(const std::string& user, TimePoint now) {
  Member& online = users_[user].online;
  if (online.sessions++ == 0) {
    online.changed = now;
    pending_users_.insert(user);
  }
}

// Its rooms and its user forget the session. The user's last_seen stays as it was: for an
// expired session that is when it was last heard of.
void MemoryPresence::drop_session(Table<SessionEntry>::iterator it, TimePoint now) {
  const SessionEntry& entry = it->second;
  for (const auto& room : entry.rooms)
    exit(room, entry.user, now);
  Member& online = users_[entry.user].online;
  if (--online.sessions == 0) {
    online.changed = now;
    pending_users_.insert(entry.user);
  }
  sessions_.erase(it);
}

void MemoryPresence::enter(const std::string& room, const SessionEntry& session, TimePoint now) {
  metrics_.presence_entries.add(1);
  Room& entry = rooms_[room];
  Member& member = entry.members[session.user];
  member.info = session.info;
  if (member.sessions++ == 0) {
    member.changed = now;
    entry.pending.insert(session.user);
    pending_rooms_.insert(room);
  }
}

void MemoryPresence::exit(const std::string& room, const std::string& user, TimePoint now) {
  metrics_.presence_entries.add(-1);
  Room& entry = rooms_[room];
  Member& member = entry.members[user];
  if (--member.sessions == 0) {
    member.changed = now;
    entry.pending.insert(user);
    pending_rooms_.insert(room);
  }
}

void MemoryPresence::tick() {
  const std::lock_guard lock(mutex_);
  const TimePoint now = clock_();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const auto next = std::next(it);
    if (it->second.expires <= now) drop_session(it, now);
    it = next;
  }
  // Published under the lock, so that every answer of list() and status() reaches a loop
  // before the diffs that follow it.
  std::erase_if(pending_rooms_,
                [&](const std::string& name) { return publish_room(name, rooms_[name], now); });
  std::erase_if(pending_users_,
                [&](const std::string& name) { return publish_user(name, users_[name], now); });
}

bool MemoryPresence::publish_room(const std::string& name, Room& room, TimePoint now) {
  std::vector<PresenceMember> joins;
  std::vector<std::string> leaves;
  std::erase_if(room.pending, [&](const std::string& user) {
    const auto it = room.members.find(user);
    Member& member = it->second;
    if (member.sessions > 0) {
      if (!member.announced) joins.push_back({user, member.info, member.sessions});
      member.announced = true;
      return true;
    }
    if (member.announced && !leave_due(member, now)) return false;  // may come back yet
    if (member.announced) leaves.push_back(user);
    room.members.erase(it);
    return true;
  });
  room.announced = room.announced + joins.size() - leaves.size();
  if (!joins.empty() || !leaves.empty()) {
    metrics_.presence_diffs.add();
    bus_.publish(make_ephemeral(name, room.announced > options_.list_max
                                          ? encode_presence_count(name, room.announced)
                                          : encode_presence_diff(name, joins, leaves)));
  }
  if (!room.pending.empty()) return false;
  if (room.members.empty()) rooms_.erase(name);
  return true;
}

bool MemoryPresence::publish_user(const std::string& name, User& user, TimePoint now) {
  Member& online = user.online;
  if (online.sessions > 0 && online.announced) return true;
  if (online.sessions == 0 && !online.announced) return true;
  if (online.sessions == 0 && !leave_due(online, now)) return false;
  online.announced = online.sessions > 0;
  const TimePoint ts = online.announced ? online.changed : user.last_seen;
  metrics_.status_changes.add();
  bus_.publish(
      make_ephemeral(status_room(name), encode_status(name, {online.announced, wall_ms(ts)})));
  return true;
}

void MemoryPresence::list(std::string_view room, bool counts_only, ListHandler done) {
  const std::lock_guard lock(mutex_);
  const auto it = rooms_.find(room);
  const Room* found = it == rooms_.end() ? nullptr : &it->second;
  PresenceList answer;
  answer.count = found ? found->announced : 0;
  answer.counts_only = counts_only || answer.count > options_.list_max;
  if (found && !answer.counts_only) {
    for (const auto& [user, member] : found->members) {
      if (member.announced) answer.members.push_back({user, member.info, member.sessions});
    }
  }
  done(std::move(answer));
}

void MemoryPresence::status(std::string_view user, StatusHandler done) {
  const std::lock_guard lock(mutex_);
  UserStatus answer;
  const auto it = users_.find(user);
  if (it != users_.end()) {
    const Member& online = it->second.online;
    answer.online = online.announced;
    answer.ts_ms = wall_ms(online.announced ? online.changed : it->second.last_seen);
    answer.last_seen_ms = wall_ms(it->second.last_seen);
  }
  done(answer);
}

}  // namespace herald
