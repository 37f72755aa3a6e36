#pragma once

#include <unordered_set>

#include "core/session.hpp"
#include "transport/admission.hpp"
#include "transport/http_router.hpp"

namespace herald {

class WsConnection;

// What the connections of one event loop share. Touched only from that loop.
struct TransportContext {
  const SessionServices& services;
  const HttpRouter& router;
  Admission& admission;                          // shared by every loop
  std::unordered_set<WsConnection*> websockets;  // open ones, to close on shutdown
};

}  // namespace herald
