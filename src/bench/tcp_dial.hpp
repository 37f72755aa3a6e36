#pragma once

#include <string>

namespace herald::bench {

// Starts a non-blocking TCP connection to `server_ip`:`port` from `source_ip` (any when empty)
// and returns its descriptor; the connection completes later (the socket turns writable).
// Returns -1 with errno set when the socket cannot even be started (say, out of descriptors or
// ports).
int dial_tcp(const std::string& server_ip, unsigned short port, const std::string& source_ip);

}  // namespace herald::bench
