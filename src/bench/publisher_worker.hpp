#pragma once

#include <boost/describe/class.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

namespace herald::bench {

// What the publisher worker is told (as JSON, by the bench that starts it).
struct PublisherWorkerOptions {
  std::string target = "herald";  // see bench_target.hpp
  std::string server_ip = "127.0.0.1";
  unsigned short port = 0;
  std::string api_key;  // Herald's server API key
  std::string room_prefix;
  std::size_t rooms = 1;
  double rate = 50;  // messages per second over all rooms, round robin; 0: as fast as answered
  double duration_s = 10;
  std::size_t payload_bytes = 64;
  std::size_t connections = 16;  // keep-alive HTTP connections; a room always uses the same one
  std::size_t batch = 1;         // messages one request carries at most (Herald's batch publish)
  std::int64_t deadline_ms = 300'000;
};
BOOST_DESCRIBE_STRUCT(PublisherWorkerOptions, (),
                      (target, server_ip, port, api_key, room_prefix, rooms, rate, duration_s,
                       payload_bytes, connections, batch, deadline_ms))

// The publisher of the fan-out scenario: `rate` stamped messages a second (see stamp.hpp) for
// `duration_s`, over HTTP keep-alive connections with one request in flight on each, so a
// room's messages reach the server in order; a request carries what is queued on its connection,
// up to `batch` messages. Finishes by itself once the last is answered and
// reports {"type":"result",…}: published, acknowledged (2xx), errors, acknowledged per room, and
// the acknowledgement latency. At rate 0 every connection publishes its next `batch` messages as
// soon as the last ones are answered, its rooms in turn: the most the server acknowledges.
void run_publisher_worker(const PublisherWorkerOptions& options);

}  // namespace herald::bench
