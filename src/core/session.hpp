#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/frames.hpp"
#include "core/history.hpp"
#include "core/hub.hpp"
#include "core/limits.hpp"
#include "core/metrics.hpp"
#include "core/outlet.hpp"
#include "core/protocol.hpp"
#include "core/publisher.hpp"
#include "core/token_bucket.hpp"

namespace herald {

class Subscription;

// What every session of one event loop shares.
struct SessionServices {
  boost::asio::any_io_executor executor;
  Hub& hub;
  Publisher& publisher;
  History& history;
  Metrics& metrics;
  const Limits& limits;
};

// The protocol state machine of one client, independent of its transport: it turns client
// frames into joins, leaves and publishes, and hands frames to its Outlet.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(const SessionServices& services, Outlet& outlet);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void on_frame(std::string_view text);
  // The connection is gone: leave every room. No frame is sent after this.
  void stop();

  void send(Frame frame);
  void send(std::string frame) { send(std::make_shared<const std::string>(std::move(frame))); }
  // Counts the error and answers it with an error frame.
  void reject(const DecodeError& error, long retry_after_ms = -1);
  void close(CloseCode code, std::string_view reason);
  // The edge is shutting down: `goaway`, then close 1001.
  void go_away(std::chrono::milliseconds reconnect);

  const SessionServices& services() const { return services_; }
  Outlet& outlet() { return outlet_; }
  // False once the session is closing: it sends nothing more.
  bool open() const { return open_; }

 private:
  void on_hello(const HelloFrame& hello);
  void on_join(JoinFrame join);
  void on_leave(const LeaveFrame& leave);
  void on_publish(PublishFrame publish);
  std::vector<std::shared_ptr<Subscription>>::iterator find(std::string_view room);

  const SessionServices& services_;
  Outlet& outlet_;
  std::string id_;
  TokenBucket publish_budget_;
  std::vector<std::shared_ptr<Subscription>> rooms_;
  bool greeted_ = false;
  bool open_ = true;
  bool stopped_ = false;
};

}  // namespace herald
