#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/backoff.hpp"
#include "client/transport.hpp"
#include "core/message.hpp"

namespace boost::asio {
class io_context;
}

namespace herald::client {

struct ClientOptions {
  // The edge: `ws://host:port/ws` (or `http://host:port`); the HTTP transports' paths (/sse,
  // /poll, /send) go beside the WebSocket one.
  std::string url = "ws://127.0.0.1:8080/ws";
  std::string name = "herald-cli/1";  // sent in `hello`
  // Sent in `hello`: who this is, for presence (empty: anonymous). The session then sends
  // `heartbeat` as often as `welcome` asks, so the user stays present while idle.
  std::string user;
  BackoffPolicy backoff;
  // Limit for one attempt: resolve, TCP connect, WebSocket handshake and `welcome`.
  std::chrono::milliseconds connect_timeout{10'000};
  // Nothing heard from the server for this long (a ping goes out at half of it): reconnect.
  std::chrono::milliseconds idle_timeout{60'000};
  // Source IP address to connect from; empty = any. A load generator spreads its connections over
  // several loopback addresses so that no one address runs out of ephemeral ports. An invalid
  // one makes the constructor throw.
  std::string local_address;
  // The transports to try, in order (empty: all, in the documented order WebSocket, SSE,
  // long-poll, short-poll). One that cannot be set up here (refused, reset before its first
  // frame, silent past TCP) moves the client on to the next at once; a 503 with Retry-After is
  // the server asking to wait, not a reason to move.
  std::vector<Transport> transports = all_transports();
  // After falling back, the client keeps the transport that worked across reconnects, and goes
  // back to the first one at a reconnect this long after the fall back.
  std::chrono::milliseconds prefer_again_after{300'000};
  std::chrono::seconds poll_wait{25};              // how long the server holds a long-poll
  std::chrono::milliseconds poll_interval{1'000};  // between short-polls that found nothing
};

enum class State { connected, disconnected };

// The outcome of one publish. The views are valid only during the callback.
struct PublishResult {
  std::string_view room;
  std::string_view id;
  Seq seq = 0;  // set when ok()
  bool duplicate = false;
  // Empty on success; else the server's error code, or "too_big" (over the server's frame limit,
  // never sent) or "cancelled" (the client stopped first).
  std::string_view error;
  std::string_view reason;
  std::string_view frame;  // the server's ack or error frame, as received; empty for local errors

  bool ok() const { return error.empty(); }
};

// An `error` frame that answers no pending publish (a failed join, a protocol error).
struct ServerError {
  std::string_view code;
  std::string_view reason;
  std::string_view room;  // empty when the error is not about one room
  std::string_view frame;
};

// A Herald client (protocol v1, docs/protocol.md) over WebSocket, Server-Sent Events, long-poll
// or short-poll, falling back in that order, that survives anything the server or the network
// does: it reconnects with jittered backoff, re-joins every room from the last seq it delivered,
// repairs gaps, drops duplicates, and resends every publish not yet acked (the message id makes
// that idempotent). Identity (`user`) and heartbeats go over WebSocket only: the HTTP
// transports' sessions are anonymous.
//
// Runs on the caller's io_context, which must be run by one thread; call it only from there.
// Handlers are called from that thread and may call back into the Client (even stop()).
class Client {
 public:
  // Views are valid only during the call; `frame` is the `msg` frame's JSON text.
  using MessageHandler =
      std::function<void(std::string_view room, Seq seq, std::string_view frame)>;
  // Every `joined`, including the re-joins after a reconnect or a gap.
  using JoinedHandler =
      std::function<void(std::string_view room, Seq head, bool recovered, Seq from)>;
  // connected: after `welcome` (reason: the session id; empty over polling, which has no
  // lasting session, from the first poll answered). disconnected: after every failed
  // attempt or lost connection (reason: why; it starts with "goaway" when the server said it was
  // going away), and on stop().
  using StateHandler = std::function<void(State state, std::string_view reason)>;
  using ErrorHandler = std::function<void(const ServerError& error)>;
  using AckHandler = std::function<void(const PublishResult& result)>;
  // Every frame whose op the client does not handle itself (`presence`, `status`, `typing`, and
  // ops newer than this client), so an application can use them without the client knowing
  // them. Views are valid only during the call; `frame` is the frame's JSON text.
  using OtherFrameHandler = std::function<void(std::string_view op, std::string_view frame)>;

  Client(boost::asio::io_context& io, ClientOptions options);  // throws on a bad url
  ~Client();                                                   // stops without calling any handler
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void on_message(MessageHandler handler);
  void on_joined(JoinedHandler handler);
  void on_state(StateHandler handler);
  void on_error(ErrorHandler handler);
  void on_other_frame(OtherFrameHandler handler);

  // Connects, and keeps connecting until stop().
  void start();
  // Closes gracefully (1000); every pending publish completes with "cancelled".
  void stop();
  bool connected() const;
  // The transport in use, or being tried.
  Transport transport() const;

  // Joins now if connected, else on the next connection. `since` absent = live messages only;
  // 0 = everything the server still retains. Joining a room already joined does nothing.
  void join(std::string_view room, std::optional<Seq> since = std::nullopt);
  void leave(std::string_view room);
  // Asks for the room's presence list; the answer arrives as a `presence` frame through
  // on_other_frame. Only while connected (else nothing is sent): a list is worth having only
  // together with the diffs that follow it, so ask again after each `joined` of the room.
  void query_presence(std::string_view room);
  // `data_json` must be JSON whose numbers fit a double (throws std::invalid_argument
  // otherwise). An empty `id` is replaced by a random one; the id is returned. Publishes go out
  // in call order, paced to the rate and burst the server announced in `welcome`; rate_limited
  // and unavailable are retried until acked. `on_ack` gets the ack or any other error, never from
  // inside publish().
  std::string publish(std::string_view room, std::string_view data_json, std::string id = {},
                      AckHandler on_ack = {});

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;  // shared with the pending handlers, which keep it alive
};

}  // namespace herald::client
