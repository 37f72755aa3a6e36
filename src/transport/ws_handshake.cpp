#include "transport/ws_handshake.hpp"

#include <array>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

namespace herald {
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kVersion = "13";
// A key is 16 random bytes in base64: 22 characters and two of padding.
constexpr std::size_t kKeySize = 24;
constexpr std::size_t kKeyBytes = 16;

bool valid_key(std::string_view key) {
  if (key.size() != kKeySize || !key.ends_with("==")) return false;
  std::array<char, boost::beast::detail::base64::decoded_size(kKeySize)> bytes{};
  const auto [written, read] =
      boost::beast::detail::base64::decode(bytes.data(), key.data(), key.size());
  return written == kKeyBytes && read == kKeySize - 2;
}

HttpResponse refuse(const HttpRequest& request, http::status status, std::string_view reason) {
  HttpResponse response = json_error(request, status, "bad_upgrade", reason);
  response.keep_alive(false);
  return response;
}

std::string switching_protocols(std::string_view key) {
  std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Server: herald\r\nSec-WebSocket-Accept: ";
  response.append(ws_accept_key(key)).append("\r\n\r\n");
  return response;
}

}  // namespace

WsHandshake answer_ws_upgrade(const HttpRequest& request) {
  if (!boost::beast::websocket::is_upgrade(request)) {
    return refuse(request, http::status::bad_request,
                  "a WebSocket upgrade is GET over HTTP/1.1 with Connection: upgrade and "
                  "Upgrade: websocket");
  }
  const auto version = request[http::field::sec_websocket_version];
  if (version.empty()) {
    return refuse(request, http::status::bad_request, "Sec-WebSocket-Version is missing");
  }
  if (version != kVersion) {
    HttpResponse response =
        refuse(request, http::status::upgrade_required, "this server speaks WebSocket version 13");
    response.set(http::field::sec_websocket_version, kVersion);
    return response;
  }
  const auto key = request[http::field::sec_websocket_key];
  if (!valid_key(key)) {
    return refuse(request, http::status::bad_request,
                  "Sec-WebSocket-Key must be 16 bytes in base64");
  }
  return switching_protocols(key);
}

std::string ws_accept_key(std::string_view key) {
  // Beast's own SHA-1 and base64, as its WebSocket stream used them.
  boost::beast::websocket::detail::sec_ws_accept_type accept;
  boost::beast::websocket::detail::make_sec_ws_accept(accept, key);
  return {accept.data(), accept.size()};
}

}  // namespace herald
