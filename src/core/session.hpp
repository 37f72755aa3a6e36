#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/cursor.hpp"
#include "core/frames.hpp"
#include "core/history.hpp"
#include "core/hub.hpp"
#include "core/limits.hpp"
#include "core/metrics.hpp"
#include "core/outlet.hpp"
#include "core/protocol.hpp"
#include "core/publisher.hpp"
#include "core/replies.hpp"
#include "core/token_bucket.hpp"
#include "presence/presence.hpp"

namespace herald {

class Subscription;

// What every session of one event loop shares.
struct SessionServices {
  boost::asio::any_io_executor executor;
  Hub& hub;
  Bus& bus;  // for ephemeral events, which skip the publisher
  Presence& presence;
  Publisher& publisher;
  History& history;
  Metrics& metrics;
  const Limits& limits;
};

// The protocol state machine of one client, independent of its transport: it turns client
// frames into joins, leaves, publishes, typing and presence, and hands frames to its Outlet.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(const SessionServices& services, Outlet& outlet);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // With `replies`, the answers to this frame (ack, error) go there rather than to the outlet.
  void on_frame(std::string_view text, const std::shared_ptr<Replies>& replies = nullptr);
  // The connection is gone: leave every room. No frame is sent after this.
  void stop();

  void send(Frame frame);
  void send(std::string frame) { send(std::make_shared<const std::string>(std::move(frame))); }
  // Counts the error and answers it with an error frame.
  void reject(const DecodeError& error, long retry_after_ms = -1);
  void close(CloseCode code, std::string_view reason);
  // The edge is shutting down: `goaway`, then close 1001.
  void go_away(std::chrono::milliseconds reconnect);

  // Where the client stands in each of its rooms, for transports that resume by cursor.
  Cursor cursor() const;

  const SessionServices& services() const { return services_; }
  const std::string& id() const { return id_; }
  Outlet& outlet() { return outlet_; }
  // False once the session is closing: it sends nothing more.
  bool open() const { return open_; }

 private:
  void handle(std::string_view text);
  // An answer to the frame being handled: to its Replies if it came with some, else the outlet.
  void answer(std::string frame, const std::shared_ptr<Replies>& replies);
  void on_hello(const HelloFrame& hello);
  void on_join(JoinFrame join);
  void on_leave(const LeaveFrame& leave);
  void on_publish(PublishFrame publish);
  void on_typing(const TypingFrame& typing);
  void on_presence(const PresenceFrame& query);
  std::vector<std::shared_ptr<Subscription>>::iterator find(std::string_view room);
  // Like find; answers not_joined when the session is not in the room.
  std::vector<std::shared_ptr<Subscription>>::iterator find_joined(std::string_view room);
  // Every frame keeps an identified session present; presence hears of it at most a few times
  // per ttl, so busy sessions do not contend for it.
  void keep_present();
  void update_presence();

  const SessionServices& services_;
  Outlet& outlet_;
  std::string id_;
  std::string user_;  // empty: anonymous, not in presence
  std::string info_;
  std::chrono::steady_clock::time_point presence_updated_;
  TokenBucket publish_budget_;
  std::vector<std::shared_ptr<Subscription>> rooms_;
  std::shared_ptr<Replies> replies_;  // while handling a frame that came with some
  bool greeted_ = false;
  bool open_ = true;
  bool stopped_ = false;
};

}  // namespace herald
