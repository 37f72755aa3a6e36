#pragma once

#include <boost/describe/class.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace herald::bench {

// What one subscriber worker is told (as JSON, by the bench that starts it).
struct SubscriberWorkerOptions {
  std::string target = "herald";  // see bench_target.hpp
  std::string server_ip = "127.0.0.1";
  unsigned short port = 0;
  std::string room_prefix;
  std::size_t rooms = 1;
  std::size_t connections = 0;
  std::size_t first = 0;             // number of this worker's first subscriber across all workers
  std::vector<std::string> sources;  // local addresses, used in turn
  double open_rate = 1000;           // connections opened per second
  std::int64_t deadline_ms = 300'000;  // reports and exits after this long, whatever happens
};
BOOST_DESCRIBE_STRUCT(SubscriberWorkerOptions, (),
                      (target, server_ip, port, room_prefix, rooms, connections, first, sources,
                       open_rate, deadline_ms))

// Subscriber number n belongs to room n % rooms.
std::size_t subscriber_room(std::size_t number, std::size_t rooms);
// How many of `subscribers` (numbered from 0) belong to `room`.
std::size_t room_members(std::size_t room, std::size_t subscribers, std::size_t rooms);

// The worker side of the idle and fan-out scenarios: a WsSwarm of subscribers opened at
// `open_rate`, each in one room, each checking every stamped message (see stamp.hpp) it gets
// for order, duplicates and latency. Reports progress four times a second (with its own CPU
// time, so a saturated load generator shows) and, when the bench asks, {"type":"result",…}.
void run_subscriber_worker(const SubscriberWorkerOptions& options);

}  // namespace herald::bench
