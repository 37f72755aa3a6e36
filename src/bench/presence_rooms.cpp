#include "bench/presence_rooms.hpp"

#include <fmt/format.h>

#include "bench/worker_pool.hpp"

namespace herald::bench {

std::string presence_user(std::size_t session) {
  return fmt::format("u{}", session);
}

std::string presence_room(std::size_t session, std::size_t rooms) {
  return fmt::format("presence-{}", session % rooms);
}

std::vector<std::size_t> room_sizes(std::size_t sessions, std::size_t rooms) {
  return share(sessions, rooms);  // the first sessions % rooms rooms get one more
}

std::uint64_t naive_presence_frames(const std::vector<std::size_t>& sizes) {
  std::uint64_t frames = 0;
  for (const std::size_t n : sizes)
    frames += std::uint64_t{n} * n;
  return frames;
}

}  // namespace herald::bench
