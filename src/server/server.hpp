#pragma once

#include <memory>
#include <vector>

#include "bus/bus_local.hpp"
#include "core/history.hpp"
#include "core/metrics.hpp"
#include "core/publisher.hpp"
#include "presence/presence_memory.hpp"
#include "server/config.hpp"
#include "server/server_api.hpp"
#include "server/shutdown_signals.hpp"
#include "store/cache_memory.hpp"
#include "store/store_sqlite.hpp"
#include "transport/admission.hpp"
#include "transport/held_polls.hpp"
#include "transport/http_router.hpp"
#include "transport/session_directory.hpp"

namespace herald {

class EventLoop;

// One Herald edge in embedded mode: SQLite store, memory cache, in-process bus and presence, and
// one event loop per configured thread, each with its own listener, hub and sessions.
class Server {
 public:
  explicit Server(Config config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until SIGINT or SIGTERM, then drains: refuses new requests with 503, sends the
  // sessions away spread over the drain window (a second signal cuts it short) and returns.
  void run();

 private:
  void drain(ShutdownSignals& signals);
  void close_sessions();
  std::size_t open_sessions() const;

  Config config_;
  Metrics metrics_;
  std::unique_ptr<SqliteStore> store_;  // flushed first on destruction, while all else stands
  MemoryCache cache_;
  LocalBus bus_;
  MemoryPresence presence_;
  Publisher publisher_;
  History history_;
  ServerApi api_;
  HttpRouter router_;
  Admission admission_;
  SessionDirectory directory_;
  HeldPolls held_polls_;
  std::vector<std::unique_ptr<EventLoop>> loops_;
};

}  // namespace herald
