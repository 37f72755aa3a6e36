#pragma once

#include <boost/describe/class.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace herald::bench {

// What one presence worker is told (as JSON, by the bench that starts it).
struct PresenceWorkerOptions {
  std::string url;
  std::size_t sessions = 0;
  std::size_t first_session = 0;       // number of this worker's first session across all workers
  std::size_t total_sessions = 0;      // across all workers: decides how big each room is
  std::size_t rooms = 1;               // see presence_rooms.hpp
  std::vector<std::string> sources;    // local addresses, used in turn
  double join_rate = 1000;             // sessions this worker starts per second
  std::int64_t deadline_ms = 300'000;  // reports and exits after this long, whatever happens
};
BOOST_DESCRIBE_STRUCT(PresenceWorkerOptions, (),
                      (url, sessions, first_session, total_sessions, rooms, sources, join_rate,
                       deadline_ms))

// The worker side of the presence scenario. It starts its sessions at `join_rate`, each a real
// client with its own user that joins one room and, after every `joined`, asks for the room's
// presence list; from then on it applies every `presence` frame (PresenceView). It reports
// progress four times a second and, when the bench asks, {"type":"result",…}: frames received
// by kind, the joins and leaves they announced, frames per session, how many sessions know
// every member of their room, and millisecond timelines of joins and presence frames.
void run_presence_worker(const PresenceWorkerOptions& options);

}  // namespace herald::bench
