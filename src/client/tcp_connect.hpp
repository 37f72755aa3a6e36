#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <functional>
#include <string>

#include "client/link.hpp"

namespace herald::client {

// Resolves the server and connects `stream` to it, from settings.local_address when one is set,
// within settings.connect_timeout. `done` gets the error and, on failure, which step failed
// ("resolve: …", "connect: …", "bind …: …"); it runs on the stream's executor. `resolver` and
// `stream` must outlive the operation (the caller's handler keeps their owner alive).
using ConnectHandler = std::function<void(boost::beast::error_code ec, std::string what)>;
void connect_tcp(boost::asio::ip::tcp::resolver& resolver, boost::beast::tcp_stream& stream,
                 const LinkSettings& settings, ConnectHandler done);

}  // namespace herald::client
