#include "client/resume.hpp"

#include <algorithm>

namespace herald::client {

void RoomPositions::want(std::string_view room, std::optional<Seq> since) {
  rooms_.insert_or_assign(std::string(room), Room{since, false});
}

bool RoomPositions::on_joined(std::string_view room, Seq head, bool /*recovered*/, Seq from) {
  const auto it = rooms_.find(room);
  if (it == rooms_.end() || leaving(room)) return false;
  const Seq before_from = from > 0 ? from - 1 : head;
  // Never move back: what was delivered stays delivered, even if the server replays it.
  it->second.position = std::max(it->second.position.value_or(0), before_from);
  it->second.joined = true;
  return true;
}

RoomPositions::Verdict RoomPositions::on_msg(std::string_view room, Seq seq) {
  const auto it = rooms_.find(room);
  if (it == rooms_.end() || !it->second.joined || leaving(room)) return Verdict::duplicate;
  Room& state = it->second;
  const Seq position = state.position.value_or(0);
  if (seq <= position) return Verdict::duplicate;
  if (seq > position + 1) {
    state.joined = false;
    return Verdict::gap;
  }
  state.position = seq;
  return Verdict::deliver;
}

void RoomPositions::on_disconnected() {
  for (auto& [name, state] : rooms_)
    state.joined = false;
  leaves_in_flight_.clear();
}

void RoomPositions::leave(std::string_view room) {
  const auto it = rooms_.find(room);
  if (it != rooms_.end()) rooms_.erase(it);
}

void RoomPositions::on_leave_sent(std::string_view room) {
  auto it = leaves_in_flight_.find(room);
  if (it == leaves_in_flight_.end()) it = leaves_in_flight_.emplace(std::string(room), 0).first;
  ++it->second;
}

void RoomPositions::on_left(std::string_view room) {
  const auto it = leaves_in_flight_.find(room);
  if (it != leaves_in_flight_.end() && --it->second == 0) leaves_in_flight_.erase(it);
}

std::optional<Seq> RoomPositions::since_for(std::string_view room) const {
  const auto it = rooms_.find(room);
  return it == rooms_.end() ? std::nullopt : it->second.position;
}

bool RoomPositions::joined(std::string_view room) const {
  const auto it = rooms_.find(room);
  return it != rooms_.end() && it->second.joined;
}

std::vector<std::string> RoomPositions::rooms() const {
  std::vector<std::string> names;
  names.reserve(rooms_.size());
  for (const auto& [name, state] : rooms_)
    names.push_back(name);
  return names;
}

}  // namespace herald::client
