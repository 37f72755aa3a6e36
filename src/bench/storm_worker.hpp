#pragma once

#include <boost/describe/class.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace herald::bench {

// What one storm worker is told (as JSON, by the bench that starts it).
struct StormWorkerOptions {
  std::string server_ip = "127.0.0.1";
  unsigned short port = 0;
  std::size_t connections = 0;
  std::size_t first_client = 0;      // number of this worker's first client across all workers
  std::size_t rooms = 1;             // client n joins room "storm-<n mod rooms>"
  std::vector<std::string> sources;  // local addresses, used in turn
  std::int64_t backoff_base_ms = 100;
  std::int64_t backoff_jitter_ms = 1000;
  std::int64_t backoff_cap_ms = 30'000;
  double open_rate = 1000;             // connections this worker starts per second while ramping up
  std::int64_t deadline_ms = 300'000;  // reports and exits after this long, whatever happens
};
BOOST_DESCRIBE_STRUCT(StormWorkerOptions, (),
                      (server_ip, port, connections, first_client, rooms, sources, backoff_base_ms,
                       backoff_jitter_ms, backoff_cap_ms, open_rate, deadline_ms))

// The worker side of the storm scenario: a WsSwarm of Herald clients (hello, join one room,
// connected at `welcome`), each reconnecting the way the client library does (Reconnector,
// with the backoff given here), woken by the swarm's timer when its delay is over. It opens its
// connections at `open_rate`, reports {"type":"ready"} once all are connected, and from then on
// records every connection attempt (a millisecond timeline, stamped as connect() is called)
// and, per client that loses its connection, the time until it is connected again and the
// attempts that failed meanwhile. It reports {"type":"result",…} and exits once every client
// has come back, when the bench asks, or at its deadline; {"type":"progress",…} lines go out
// four times a second. The result also says how late the reconnects went out against their
// schedule and how much CPU the worker used, so a saturated generator shows.
void run_storm_worker(const StormWorkerOptions& options);

}  // namespace herald::bench
