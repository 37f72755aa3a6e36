#include "bench/worker_channel.hpp"

#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <iostream>

namespace herald::bench {

WorkerChannel::WorkerChannel(boost::asio::io_context& io) : input_(io, ::dup(STDIN_FILENO)) {}

void WorkerChannel::send(const boost::json::object& message) {
  std::cout << boost::json::serialize(message) << '\n' << std::flush;
}

void WorkerChannel::on_finish(std::function<void()> handler) {
  on_finish_ = std::move(handler);
  read();
}

// Whatever the bench writes is ignored; only the end of the input means something.
void WorkerChannel::read() {
  input_.async_read_some(boost::asio::buffer(scratch_),
                         [this](const boost::system::error_code& ec, std::size_t) {
                           if (!ec) return read();
                           if (ec == boost::asio::error::operation_aborted) return;
                           if (auto handler = std::exchange(on_finish_, nullptr)) handler();
                         });
}

}  // namespace herald::bench
