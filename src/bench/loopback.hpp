#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herald::bench {

// A port on 127.0.0.1 that nobody uses now (the kernel picks it); a server binds it a moment
// later. Throws std::system_error.
unsigned short free_loopback_port();

struct HttpReply {
  int status = 0;
  std::string body;
};

// GET `target` from 127.0.0.1:`port` with a bare HTTP/1.1 request and `Connection: close`: the
// bench must not depend on the client under test to judge the server. Nothing when the server
// cannot be reached or does not answer within a second per step.
std::optional<HttpReply> loopback_get(unsigned short port, std::string_view target);

// The status and body of a whole response (read until the server closed); nothing when it does
// not start with a status line.
std::optional<HttpReply> parse_http_reply(std::string_view response);

}  // namespace herald::bench
