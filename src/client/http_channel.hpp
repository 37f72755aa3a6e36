#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "client/link.hpp"

namespace herald::client {

// One keep-alive HTTP/1.1 connection to the server for whole request/answer exchanges, one at a
// time (POST /send, GET /poll). Connects on the first request; a kept connection the server
// closed while idle is reopened once, transparently, since neither request changes anything
// when it is repeated (publishes carry their id).
class HttpChannel {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  // `what` says which step failed when `ec` is set; `response` is whole otherwise.
  using Handler =
      std::function<void(boost::beast::error_code ec, const std::string& what, Response& response)>;

  HttpChannel(boost::asio::io_context& io, const LinkSettings& settings);

  // Sends `request` (Host, User-Agent and keep-alive are set here) and reads the answer, all
  // within `timeout` once connected. `done` must keep whoever owns the channel alive.
  void exchange(Request request, std::chrono::milliseconds timeout, Handler done);
  // Ends the exchange in flight (its handler sees an error) and the connection.
  void close();

 private:
  struct Exchange;
  void connect(const std::shared_ptr<Exchange>& exchange);
  void write(const std::shared_ptr<Exchange>& exchange);
  void read(const std::shared_ptr<Exchange>& exchange);
  // A kept connection failed before any answer: the server closed it while it was idle.
  bool retry(const std::shared_ptr<Exchange>& exchange, std::size_t bytes_read);

  const LinkSettings& settings_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

}  // namespace herald::client
