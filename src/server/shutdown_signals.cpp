#include "server/shutdown_signals.hpp"

#include <spdlog/spdlog.h>

namespace herald {

ShutdownSignals::ShutdownSignals() : signals_(io_, SIGINT, SIGTERM) {
  arm();
}

void ShutdownSignals::arm() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    ++received_;
    spdlog::info("signal {} received: {}", signal,
                 received_ == 1 ? "draining" : "closing what is left now");
    arm();
  });
}

void ShutdownSignals::wait_for_first() {
  while (received_ == 0)
    io_.run_one();
}

void ShutdownSignals::wait_for(std::chrono::milliseconds timeout) {
  io_.run_for(timeout);
}

}  // namespace herald
