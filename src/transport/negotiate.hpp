#pragma once

#include "core/limits.hpp"
#include "transport/http_router.hpp"
#include "transport/transports.hpp"

namespace herald {

// Adds GET /negotiate: the transports this edge offers, in the order a client should try them,
// with their paths and the keepalive and heartbeat intervals.
void add_negotiate(HttpRouter& router, const Transports& transports, const Limits& limits);

}  // namespace herald
