// Feeds arbitrary bytes to the client frame decoders, the cursor decoder, the stream and poll
// query parsers and the If-None-Match reader. Whatever the input,
// decoding must not crash, and what it accepts must satisfy the invariants the rest of the edge
// relies on.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/cursor.hpp"
#include "core/frames.hpp"
#include "core/protocol.hpp"
#include "transport/entity_tag.hpp"
#include "transport/stream_request.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void check(const herald::ClientFrame& frame) {
  if (const auto* join = std::get_if<herald::JoinFrame>(&frame))
    require(herald::valid_room(join->room));
  if (const auto* leave = std::get_if<herald::LeaveFrame>(&frame))
    require(herald::valid_room(leave->room));
  if (const auto* typing = std::get_if<herald::TypingFrame>(&frame))
    require(herald::valid_room(typing->room) && !herald::is_status_room(typing->room));
  if (const auto* presence = std::get_if<herald::PresenceFrame>(&frame))
    require(herald::valid_room(presence->room));
  if (const auto* hello = std::get_if<herald::HelloFrame>(&frame)) {
    // status:<user> must be a room, and info is spliced into presence frames as is.
    require(hello->user.empty() || herald::valid_room(herald::status_room(hello->user)));
    require(hello->info.size() <= herald::kMaxInfoBytes);
    boost::json::error_code ec;
    boost::json::parse(herald::encode_presence_list("r", {{{hello->user, hello->info, 1}}, 1}), ec);
    require(!ec);
  }
  if (const auto* publish = std::get_if<herald::PublishFrame>(&frame)) {
    require(herald::valid_room(publish->room) && !herald::is_status_room(publish->room));
    require(publish->id.empty() || herald::valid_message_id(publish->id));
    // The stored payload is spliced into msg frames as is: it must be valid JSON on its own,
    // and the frame around it must be too.
    boost::json::error_code ec;
    boost::json::parse(publish->data, ec);
    require(!ec);
    const herald::Message message{publish->room, 1, publish->id, publish->data, 0};
    boost::json::parse(herald::encode_msg(message), ec);
    require(!ec);
  }
  if (const auto* error = std::get_if<herald::DecodeError>(&frame)) {
    boost::json::error_code ec;
    boost::json::parse(
        herald::encode_error({to_string(error->code), error->reason, error->room, error->id}), ec);
    require(!ec);
  }
}

// The bytes as a query string and as an If-None-Match header.
void check_queries(std::string_view text) {
  herald::HttpRequest request(boost::beast::http::verb::get, "/poll?" + std::string(text), 11);
  const herald::Limits limits;
  const auto poll = herald::parse_poll_request(request, limits);
  if (const auto* accepted = std::get_if<herald::PollRequest>(&poll)) {
    require(accepted->wait <= herald::kMaxPollWait && accepted->wait.count() >= 0);
    require(!accepted->stream.rooms.empty() && accepted->stream.rooms.size() <= limits.max_rooms);
    for (const auto& room : accepted->stream.rooms)
      require(herald::valid_room(room.name));
  }
  herald::parse_stream_request(request, limits);
  herald::if_none_match_holds(text, "\"a~1\"");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check(herald::decode_client_frame(text));
  const auto request = herald::decode_publish_request(text);
  if (const auto* publish = std::get_if<herald::PublishRequest>(&request)) {
    require(!publish->messages.empty() && publish->messages.size() <= herald::kMaxPublishBatch);
    require(publish->batch || publish->messages.size() == 1);
    for (const herald::PublishFrame& message : publish->messages)
      check(message);
  }
  // A cursor is accepted only in its one canonical spelling.
  if (const auto cursor = herald::decode_cursor(text, 100))
    require(herald::encode_cursor(*cursor) == text);
  check_queries(text);
  return 0;
}
