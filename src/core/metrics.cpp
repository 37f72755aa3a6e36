#include "core/metrics.hpp"

#include <algorithm>

namespace herald {

void Histogram::observe(double seconds) {
  const auto it = std::lower_bound(kBounds.begin(), kBounds.end(), seconds);
  if (it != kBounds.end()) buckets_[static_cast<std::size_t>(it - kBounds.begin())].fetch_add(1);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string_view to_string(ProtocolError error) {
  switch (error) {
    case ProtocolError::bad_json:
      return "bad_json";
    case ProtocolError::bad_frame:
      return "bad_frame";
    case ProtocolError::unknown_op:
      return "unknown_op";
    case ProtocolError::hello_required:
      return "hello_required";
    case ProtocolError::bad_room:
      return "bad_room";
    case ProtocolError::too_many_rooms:
      return "too_many_rooms";
    case ProtocolError::already_joined:
      return "already_joined";
    case ProtocolError::not_joined:
      return "not_joined";
    case ProtocolError::read_only_room:
      return "read_only_room";
    case ProtocolError::user_required:
      return "user_required";
    case ProtocolError::rate_limited:
      return "rate_limited";
    case ProtocolError::binary_frame:
      return "binary_frame";
    case ProtocolError::invalid_utf8:
      return "invalid_utf8";
    case ProtocolError::frame_too_big:
      return "frame_too_big";
    case ProtocolError::bad_cursor:
      return "bad_cursor";
    case ProtocolError::unknown_session:
      return "unknown_session";
    case ProtocolError::too_many_polls:
      return "too_many_polls";
    case ProtocolError::count_:
      break;
  }
  return "unknown";
}

std::string_view to_string(Transport transport) {
  switch (transport) {
    case Transport::websocket:
      return "websocket";
    case Transport::sse:
      return "sse";
    case Transport::longpoll:
      return "longpoll";
    case Transport::poll:
      return "poll";
    case Transport::count_:
      break;
  }
  return "unknown";
}

std::string_view to_string(Refusal refusal) {
  switch (refusal) {
    case Refusal::full:
      return "full";
    case Refusal::rate:
      return "rate";
    case Refusal::draining:
      return "draining";
    case Refusal::count_:
      break;
  }
  return "unknown";
}

}  // namespace herald
