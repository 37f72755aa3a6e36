#include "client/link.hpp"

#include <algorithm>

namespace herald::client {
namespace {

// Room names and cursors need no escaping (docs/protocol.md), but a bad name the application
// passed must still not break the request line: the server then refuses it with bad_room.
bool plain(char c) {
  const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  return alnum || std::string_view("-._~:@/,").find(c) != std::string_view::npos;
}

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    if (plain(c)) {
      out += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
}

}  // namespace

std::string query_string(const StreamQuery& query) {
  std::string out = "rooms=";
  for (std::size_t i = 0; i < query.rooms.size(); ++i) {
    if (i > 0) out += ',';
    append_escaped(out, query.rooms[i]);
  }
  if (!query.cursor.empty()) {
    out += "&cursor=";
    append_escaped(out, query.cursor);
  }
  return out;
}

Link::Link(boost::asio::io_context& io, Settings settings, std::weak_ptr<LinkOwner> owner)
    : io_(io),
      settings_holder_(std::move(settings)),
      settings_(*settings_holder_),
      owner_(std::move(owner)) {}

void Link::established(std::string_view /*session*/) {
  established_ = true;
}

void Link::stop(bool graceful) {
  owner_.reset();
  end(graceful);
}

bool Link::opened_with(std::string_view room) const {
  return std::find(opened_rooms_.begin(), opened_rooms_.end(), room) != opened_rooms_.end();
}

std::optional<StreamQuery> Link::stream_query() const {
  const auto owner = owner_.lock();
  return owner ? std::optional(owner->stream_query()) : std::nullopt;
}

void Link::deliver(std::string_view frame) {
  if (const auto owner = owner_.lock()) owner->link_frame(frame);
}

void Link::announce_ready() {
  if (const auto owner = owner_.lock()) owner->link_ready();
}

void Link::fail(LinkFailure failure) {
  const auto owner = owner_.lock();
  if (!owner) return;
  owner_.reset();
  if (established_) failure.unsupported = false;
  end(false);
  owner->link_failed(std::move(failure));
}

LinkPtr make_link(Transport transport, boost::asio::io_context& io, const Link::Settings& settings,
                  std::weak_ptr<LinkOwner> owner) {
  switch (transport) {
    case Transport::websocket:
      return make_ws_link(io, settings, std::move(owner));
    case Transport::sse:
      return make_sse_link(io, settings, std::move(owner));
    case Transport::longpoll:
      return make_poll_link(io, settings, std::move(owner), settings->poll_wait);
    case Transport::poll:
      return make_poll_link(io, settings, std::move(owner), std::chrono::seconds(0));
    case Transport::count_:
      break;
  }
  return nullptr;
}

}  // namespace herald::client
