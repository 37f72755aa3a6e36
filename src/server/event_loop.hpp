#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <thread>

#include "core/hub.hpp"
#include "core/session.hpp"
#include "server/drain.hpp"
#include "transport/keepalive.hpp"
#include "transport/listener.hpp"
#include "transport/transport_context.hpp"

namespace herald {

// One thread with its own io_context, hub, listener and sessions. Nothing in it is shared
// with other loops, so the delivery path takes no lock.
class EventLoop {
 public:
  struct Shared {
    Bus& bus;
    Presence& presence;
    Publisher& publisher;
    History& history;
    Metrics& metrics;
    const Limits& limits;
    const HttpRouter& router;
    Admission& admission;
    SessionDirectory& directory;
    HeldPolls& held_polls;
    const Transports& transports;
  };

  EventLoop(const Shared& shared, const boost::asio::ip::tcp::endpoint& endpoint);
  ~EventLoop();

  void start();
  // Sends the open sessions away one by one over `window`; the listener stays open.
  void drain(std::chrono::milliseconds window);
  // Stops accepting and sends every session still open away at once.
  void close_sessions();
  std::size_t open_sessions();
  void stop();

 private:
  // Declared first so that it is destroyed last: handlers still queued in the io_context hold
  // sessions that leave the hub as they are destroyed.
  std::optional<Hub> hub_;
  std::optional<SessionServices> services_;
  std::optional<TransportContext> transport_;
  boost::asio::io_context io_{1};
  // Keeps run() going while the loop is idle, so shutdown work posted to it still runs.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{
      io_.get_executor()};
  std::shared_ptr<Listener> listener_;
  std::optional<Keepalive> keepalive_;
  std::optional<Drain> drain_;
  std::thread thread_;
};

}  // namespace herald
