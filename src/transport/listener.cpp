#include "transport/listener.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "transport/http_connection.hpp"

namespace herald {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
// Out of file descriptors: accepting again at once would spin, so wait a little.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

}  // namespace

Listener::Listener(asio::io_context& io, const tcp::endpoint& endpoint, TransportContext& context)
    : acceptor_(io), backoff_(io), context_(context) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.set_option(reuse_port(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  backoff_.cancel();
}

void Listener::accept() {
  acceptor_.async_accept(
      [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
        self->on_accept(ec, std::move(socket));
      });
}

void Listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    spdlog::warn("accept failed: {}", ec.message());
    backoff_.expires_after(kAcceptBackoff);
    backoff_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->accept();
    });
    return;
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<HttpConnection>(std::move(socket), context_)->start();
  accept();
}

}  // namespace herald
