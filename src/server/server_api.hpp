#pragma once

#include <string>

#include "core/history.hpp"
#include "core/limits.hpp"
#include "core/metrics.hpp"
#include "core/publisher.hpp"
#include "presence/presence.hpp"
#include "transport/http_router.hpp"

namespace herald {

struct ServerApi {
  Publisher& publisher;
  History& history;
  Presence& presence;
  Metrics& metrics;
  const Limits& limits;
  std::string api_key;  // empty: the server API is closed
};

// Adds POST /api/publish, GET /api/history, GET /api/presence, GET /api/status, GET /healthz
// and GET /metrics to `router`.
void add_server_api(HttpRouter& router, const ServerApi& api);

}  // namespace herald
