#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace herald::bench {

// How the presence scenario places its sessions: session n is user "u<n>" in room n mod rooms.
std::string presence_user(std::size_t session);
std::string presence_room(std::size_t session, std::size_t rooms);
// Members per room when `sessions` are placed over `rooms`.
std::vector<std::size_t> room_sizes(std::size_t sessions, std::size_t rooms);

// The frames a server without batching would send: every join to every member of its room,
// the sum of n² over the rooms.
std::uint64_t naive_presence_frames(const std::vector<std::size_t>& sizes);

}  // namespace herald::bench
