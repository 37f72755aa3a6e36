#pragma once

#include <boost/beast/http/fields.hpp>
#include <string_view>

#include "client/link.hpp"

namespace herald::client {

// Ends an HTTP transport's link on an answer other than the one it needs. A 503 or 429 is the
// server asking to wait: the same transport again, after Retry-After. A 400 is about the request
// (a bad room or cursor), not the transport: the application hears of it as the `error` frame a
// WebSocket would have carried, and the link is tried again later. Anything else (a 404: not
// offered here) means the transport cannot be set up: the Client moves on to the next.
void fail_refused(Link& link, std::string_view what, unsigned status,
                  const boost::beast::http::fields& headers, std::string_view body);

}  // namespace herald::client
