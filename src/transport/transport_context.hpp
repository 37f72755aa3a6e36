#pragma once

#include <unordered_set>
#include <vector>

#include "core/session.hpp"
#include "transport/admission.hpp"
#include "transport/held_polls.hpp"
#include "transport/http_router.hpp"
#include "transport/session_directory.hpp"
#include "transport/transports.hpp"
#include "transport/write_cork.hpp"

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
  WriteCork cork;                                   // WebSocket writes, one flush per turn
  // What a WebSocket connection reads goes here and is parsed in place, so an idle connection
  // holds no buffer of its own.
  std::vector<char> read_buffer = std::vector<char>(std::size_t{64} * 1024);
};

}  // namespace herald
