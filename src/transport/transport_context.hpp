#pragma once

#include <unordered_set>

#include "core/session.hpp"
#include "transport/admission.hpp"
#include "transport/held_polls.hpp"
#include "transport/http_router.hpp"
#include "transport/session_directory.hpp"
#include "transport/transports.hpp"

namespace herald {

class SessionConnection;

// What the connections of one event loop share. Touched only from that loop.
struct TransportContext {
  const SessionServices& services;
  const HttpRouter& router;
  Admission& admission;         // shared by every loop
  SessionDirectory& directory;  // shared by every loop
  HeldPolls& held_polls;        // shared by every loop
  const Transports& transports;
  std::unordered_set<SessionConnection*> sessions;  // open ones, for keepalive and drain
};

}  // namespace herald
