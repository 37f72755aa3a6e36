#include "transport/write_cork.hpp"

#include <boost/asio/post.hpp>

#include "transport/ws_connection.hpp"

namespace herald {

void WriteCork::defer(std::weak_ptr<WsConnection> connection,
                      const boost::asio::any_io_executor& loop) {
  if (corked_.empty()) boost::asio::post(loop, [this] { flush(); });
  corked_.push_back(std::move(connection));
}

void WriteCork::flush() {
  // A flush may queue more (a close after the last frame): that waits for the next turn.
  flushing_.swap(corked_);
  for (const auto& corked : flushing_) {
    if (const auto connection = corked.lock()) connection->uncork();
  }
  flushing_.clear();
}

}  // namespace herald
