#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "transport/transport_context.hpp"

namespace herald {

// Accepts connections for one event loop. Every loop binds the same address with
// SO_REUSEPORT, so the kernel spreads new connections over the loops and each connection
// stays on the loop that accepted it.
class Listener final : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
           TransportContext& context);

  void start() { accept(); }
  void stop();

 private:
  void accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  TransportContext& context_;
};

}  // namespace herald
