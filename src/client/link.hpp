#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/server_address.hpp"
#include "client/transport.hpp"

namespace herald::client {

// What every transport needs to know; one copy, shared by the Client and its links.
struct LinkSettings {
  ServerAddress server;
  std::optional<boost::asio::ip::address> local_address;
  std::string hello;  // the WebSocket's first frame; the HTTP transports need none
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::seconds poll_wait{25};              // how long a long-poll is held
  std::chrono::milliseconds poll_interval{1'000};  // between short-polls that found nothing
};

// How a link ended, before or after it carried a session.
struct LinkFailure {
  std::string reason;
  // The transport cannot be set up here (refused, reset before any frame, not offered): the
  // Client moves on to the next one. Never true once the link was established.
  bool unsupported = false;
  std::chrono::milliseconds retry_after{0};  // the server named a wait (503 + Retry-After)
};

// The rooms, and the cursor of their positions, a request names (SSE and polling).
struct StreamQuery {
  std::vector<std::string> rooms;
  std::string cursor;  // `room~seq,…` for the rooms that have a position
};
// "rooms=a,b&cursor=a~4" (cursor omitted when empty), escaped for a query string.
std::string query_string(const StreamQuery& query);

// The Client, as its links see it: one protocol state machine, whichever transport carries it.
class LinkOwner {
 public:
  // Where the client stands now: the rooms and positions of the next request.
  virtual StreamQuery stream_query() const = 0;
  // One server frame (a JSON object), from any transport.
  virtual void link_frame(std::string_view frame) = 0;
  // The link works although no `welcome` comes: polling has no lasting session.
  virtual void link_ready() = 0;
  // The link is over; it reports nothing more.
  virtual void link_failed(LinkFailure failure) = 0;

 protected:
  ~LinkOwner() = default;
};

// One connection (or, for polling, one run of requests) of one transport. The Client drives one
// link at a time and replaces it after every failure. A link speaks to its owner until it fails
// or is stopped, and never after: frames of a link the Client already dropped go nowhere.
class Link : public std::enable_shared_from_this<Link> {
 public:
  using Settings = std::shared_ptr<const LinkSettings>;
  Link(boost::asio::io_context& io, Settings settings, std::weak_ptr<LinkOwner> owner);
  virtual ~Link() = default;
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  virtual void open() = 0;
  // One client frame, once the owner has its welcome (or link_ready).
  virtual void send(std::string frame) = 0;
  // Joins, leaves, typing and heartbeats mean something over it. Not for polling: every request
  // names its rooms and is a session of its own.
  virtual bool has_session() const { return true; }
  // The owner has its welcome (`session` names it) or link_ready: from now on an end of the
  // link is a lost connection, never a reason to fall back.
  virtual void established(std::string_view session);
  // Ends the link without a word to the owner; `graceful` lets the server know.
  void stop(bool graceful);

  // The request that opened the link joined `room` already (SSE names its rooms in the URL).
  bool opened_with(std::string_view room) const;
  // TCP reached the server: a timeout from here on is the transport's, not the network's.
  bool reached_server() const { return reached_server_; }

  // For the link's parts: hand the owner a frame, tell it the link works without a `welcome`
  // (polling), or end with a failure.
  void deliver(std::string_view frame);
  void announce_ready();
  void fail(LinkFailure failure);
  bool attached() const { return !owner_.expired(); }

 protected:
  virtual void end(bool graceful) = 0;  // close whatever is open
  // The owner's stream_query(); nothing once detached.
  std::optional<StreamQuery> stream_query() const;

  boost::asio::io_context& io_;
  // Shared: a link can outlive the Client by a graceful close.
  const Settings settings_holder_;
  const LinkSettings& settings_;
  std::vector<std::string> opened_rooms_;
  bool reached_server_ = false;
  bool established_ = false;

 private:
  std::weak_ptr<LinkOwner> owner_;
};
using LinkPtr = std::shared_ptr<Link>;

LinkPtr make_ws_link(boost::asio::io_context& io, const Link::Settings& settings,
                     std::weak_ptr<LinkOwner> owner);
LinkPtr make_sse_link(boost::asio::io_context& io, const Link::Settings& settings,
                      std::weak_ptr<LinkOwner> owner);
// `wait`: seconds a poll is held (0: short-poll, pausing poll_interval when nothing is new).
LinkPtr make_poll_link(boost::asio::io_context& io, const Link::Settings& settings,
                       std::weak_ptr<LinkOwner> owner, std::chrono::seconds wait);

LinkPtr make_link(Transport transport, boost::asio::io_context& io, const Link::Settings& settings,
                  std::weak_ptr<LinkOwner> owner);

}  // namespace herald::client
