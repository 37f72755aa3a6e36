#include "client/tcp_connect.hpp"

#include <netinet/in.h>

#include <algorithm>
#include <memory>

namespace herald::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// The source port is picked at connect time, per destination, rather than reserved for good by
// bind(): with it one local address can hold as many connections as there are ephemeral ports.
using bind_address_no_port =
    asio::detail::socket_option::boolean<IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT>;

void connect_any(beast::tcp_stream& stream, const tcp::resolver::results_type& endpoints,
                 const std::shared_ptr<ConnectHandler>& done) {
  stream.async_connect(endpoints, [done](beast::error_code ec, const tcp::endpoint&) {
    (*done)(ec, ec ? "connect: " + ec.message() : std::string());
  });
}

// The range connect reopens the socket for every endpoint, which would drop the bind: a bound
// socket tries the first endpoint of its own address family only.
void connect_from(beast::tcp_stream& stream, const tcp::resolver::results_type& endpoints,
                  const asio::ip::address& local, const std::shared_ptr<ConnectHandler>& done) {
  const auto it = std::find_if(endpoints.begin(), endpoints.end(), [&](const auto& entry) {
    return entry.endpoint().address().is_v4() == local.is_v4();
  });
  beast::error_code ec;
  if (it == endpoints.end()) {
    return (*done)(asio::error::address_family_not_supported,
                   "connect: no server address of the local family");
  }
  tcp::socket& socket = stream.socket();
  socket.open(it->endpoint().protocol(), ec);
  if (!ec) socket.set_option(bind_address_no_port(true), ec);
  if (!ec) socket.bind(tcp::endpoint(local, 0), ec);
  if (ec) return (*done)(ec, "bind " + local.to_string() + ": " + ec.message());
  stream.async_connect(it->endpoint(), [done](beast::error_code ec) {
    (*done)(ec, ec ? "connect: " + ec.message() : std::string());
  });
}

}  // namespace

void connect_tcp(tcp::resolver& resolver, beast::tcp_stream& stream, const LinkSettings& settings,
                 ConnectHandler done) {
  auto handler = std::make_shared<ConnectHandler>(std::move(done));
  resolver.async_resolve(settings.server.host, settings.server.port,
                         [&stream, &settings, handler](
                             beast::error_code ec, const tcp::resolver::results_type& endpoints) {
                           if (ec) return (*handler)(ec, "resolve: " + ec.message());
                           stream.expires_after(settings.connect_timeout);
                           if (settings.local_address) {
                             return connect_from(stream, endpoints, *settings.local_address,
                                                 handler);
                           }
                           connect_any(stream, endpoints, handler);
                         });
}

}  // namespace herald::client
