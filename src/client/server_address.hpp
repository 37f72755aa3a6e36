#pragma once

#include <string>
#include <string_view>

namespace herald::client {

// Where the server is: `ws://host[:port][/path]` or `http://…` (the same edge, named for the
// HTTP transports); the host may be a bracketed IPv6 literal.
struct ServerAddress {
  std::string host;       // as the resolver wants it (no brackets)
  std::string port;       // "80" when absent
  std::string authority;  // the Host header
  std::string target;     // the url's path: the WebSocket endpoint, "/ws" when absent
  // What the HTTP transports' paths (/sse, /poll, /send) go under: the target without a final
  // "/ws" or "/" ("" for "/ws"), so one url names the edge for every transport.
  std::string base() const;
};
ServerAddress parse_server_url(std::string_view url);  // throws std::invalid_argument

}  // namespace herald::client
