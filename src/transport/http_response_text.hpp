#pragma once

#include <string>

#include "transport/http_router.hpp"

namespace herald {

// The bytes of `response` on the wire, status line, fields and body, exactly as Beast's
// serializer writes a string body, built into one string. Beast's `async_write` runs a composed
// operation with a serializer over a buffer sequence for every response; one contiguous buffer
// cut the server's CPU per single-message publish by about an eighth (docs/performance.md).
// The fields are written as they are: Content-Length must already be set (prepare_payload).
std::string http_response_text(const HttpResponse& response);

}  // namespace herald
