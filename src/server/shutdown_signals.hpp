#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <cstddef>

namespace herald {

// Counts SIGINT and SIGTERM: the first one starts a drain, a second one cuts it short.
class ShutdownSignals {
 public:
  ShutdownSignals();

  void wait_for_first();
  // Returns after `timeout`, having counted any signal that came meanwhile.
  void wait_for(std::chrono::milliseconds timeout);
  std::size_t received() const { return received_; }

 private:
  void arm();

  boost::asio::io_context io_{1};
  boost::asio::signal_set signals_;
  std::size_t received_ = 0;
};

}  // namespace herald
