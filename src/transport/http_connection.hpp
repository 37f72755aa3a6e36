#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>

#include "transport/stream_request.hpp"
#include "transport/transport_context.hpp"

namespace herald {

// One HTTP/1.1 client connection: reads requests one at a time and answers them through the
// router, or hands the stream over to a session on `GET /ws` (WebSocket) or `GET /sse`, or holds
// a request open as a poll's session on `GET /poll`.
class HttpConnection final : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(boost::asio::ip::tcp::socket socket, TransportContext& context);
  ~HttpConnection();

  void start();

 private:
  void read();
  void on_header(boost::beast::error_code ec);
  void on_read(boost::beast::error_code ec);
  // Hands the request to a session transport (WebSocket, SSE, poll) if it asks for one.
  bool hand_over(const HttpRequest& request);
  // GET /ws: answers the upgrade and hands the socket to a WsConnection.
  void upgrade(const HttpRequest& request);
  // GET /poll: answered by a PollSession, on this connection, which reads on afterwards.
  void poll(const HttpRequest& request);
  void bad_request(const HttpRequest& request, const StreamRequestError& error);
  // POST /send: the body's frames go to the session named by `?session=`, on its own loop, or
  // without one to a session of the request's own; the response lists the answers (acks, errors).
  void relay(const HttpRequest& request);
  void refuse(const HttpRequest& request, const Admission::Refused& refused);
  void write(const HttpResponse& response);
  void close();

  boost::beast::tcp_stream stream_;
  TransportContext& context_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Admission::Verdict refused_;  // decided once, when the connection was accepted
};

}  // namespace herald
