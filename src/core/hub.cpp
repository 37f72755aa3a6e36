#include "core/hub.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

namespace herald {
namespace asio = boost::asio;

Hub::~Hub() {
  for (const auto& [name, room] : rooms_)
    bus_.unsubscribe(name, this);
}

void Hub::join(const std::string& room, HubMember* member, std::function<void()> ready) {
  auto [it, created] = rooms_.try_emplace(room);
  Room& entry = it->second;
  entry.members.push_back(member);
  if (entry.subscribed) {
    asio::post(executor_, std::move(ready));
    return;
  }
  entry.waiting.push_back(std::move(ready));
  if (created) {
    entry.generation = ++generations_;
    bus_.subscribe(room, this, [this, room, generation = entry.generation] {
      asio::post(executor_, [this, room, generation] { on_subscribed(room, generation); });
    });
  }
}

void Hub::on_subscribed(const std::string& room, std::uint64_t generation) {
  const auto it = rooms_.find(room);
  // Everyone left meanwhile; or they did and a new room of that name awaits its own subscription.
  if (it == rooms_.end() || it->second.generation != generation) return;
  it->second.subscribed = true;
  for (auto& ready : std::exchange(it->second.waiting, {}))
    ready();
}

void Hub::leave(const std::string& room, HubMember* member) {
  const auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  auto& members = it->second.members;
  const auto found = std::find(members.begin(), members.end(), member);
  if (found == members.end()) return;
  // Order among members carries no meaning, so removal is a swap with the last.
  *found = members.back();
  members.pop_back();
  if (members.empty()) {
    bus_.unsubscribe(room, this);
    rooms_.erase(it);
  }
}

void Hub::on_envelope(EnvelopePtr envelope) {
  asio::post(executor_, [this, envelope = std::move(envelope)] { fan_out(envelope); });
}

void Hub::fan_out(const EnvelopePtr& envelope) {
  const auto it = rooms_.find(envelope->msg.room);
  if (it == rooms_.end()) return;
  Room& room = it->second;
  if (envelope->ephemeral()) {
    // Not part of the room's sequence: no duplicate or gap to look for.
    for (HubMember* member : room.members)
      member->deliver(envelope);
    return;
  }
  const Seq seq = envelope->msg.seq;
  // A bus may repeat or reorder; what the room already fanned out is not sent again. A gap
  // is left to each member, which fills it from history before going on (see Subscription).
  if (seq <= room.last_seq) {
    metrics_.duplicates_dropped.add();
    return;
  }
  if (room.last_seq != 0 && seq != room.last_seq + 1) metrics_.gaps_detected.add();
  room.last_seq = seq;
  for (HubMember* member : room.members)
    member->deliver(envelope);
}

}  // namespace herald
