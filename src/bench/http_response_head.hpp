#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace herald::bench {

// The status line and the headers the load generator needs of an HTTP/1.1 response, read in place
// from the front of a receive buffer (the views point into it).
struct HttpResponseHead {
  enum class Status { complete, incomplete, invalid };
  Status status = Status::incomplete;
  int code = 0;
  std::size_t head_size = 0;  // through the blank line: the body starts here
  std::optional<std::size_t> content_length;
  bool chunked = false;
  std::string_view websocket_accept;  // Sec-WebSocket-Accept
};

// `incomplete` until the blank line has arrived; `invalid` for a response that does not start with
// an HTTP/1.x status line or has a malformed Content-Length. Header names match in any case.
HttpResponseHead parse_http_response_head(std::string_view bytes);

}  // namespace herald::bench
