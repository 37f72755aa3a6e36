// The server side of the WebSocket opening handshake (RFC 6455 section 4.2).
#include "transport/ws_handshake.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

namespace http = boost::beast::http;

HttpRequest upgrade(std::string_view key = "dGhlIHNhbXBsZSBub25jZQ==",
                    std::string_view version = "13") {
  HttpRequest request(http::verb::get, "/ws", 11);
  request.set(http::field::host, "example.com");
  request.set(http::field::upgrade, "websocket");
  request.set(http::field::connection, "keep-alive, Upgrade");
  if (!key.empty()) request.set(http::field::sec_websocket_key, key);
  if (!version.empty()) request.set(http::field::sec_websocket_version, version);
  return request;
}

HttpResponse refusal(const WsHandshake& answer) {
  EXPECT_TRUE(std::holds_alternative<HttpResponse>(answer));
  return std::get<HttpResponse>(answer);
}

TEST(WsHandshake, AcceptKeyOfRfc6455Example) {
  EXPECT_EQ(ws_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(WsHandshake, SwitchesProtocols) {
  const WsHandshake answer = answer_ws_upgrade(upgrade());
  ASSERT_TRUE(std::holds_alternative<std::string>(answer));
  const std::string& response = std::get<std::string>(answer);
  EXPECT_TRUE(response.starts_with("HTTP/1.1 101 Switching Protocols\r\n")) << response;
  EXPECT_NE(response.find("\r\nUpgrade: websocket\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("\r\nConnection: Upgrade\r\n"), std::string::npos) << response;
  EXPECT_NE(response.find("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            std::string::npos)
      << response;
  EXPECT_TRUE(response.ends_with("\r\n\r\n"));
}

TEST(WsHandshake, OtherVersionIsUpgradeRequired) {
  const HttpResponse& response =
      refusal(answer_ws_upgrade(upgrade("dGhlIHNhbXBsZSBub25jZQ==", "8")));
  EXPECT_EQ(response.result(), http::status::upgrade_required);
  EXPECT_EQ(response[http::field::sec_websocket_version], "13");
}

TEST(WsHandshake, MissingVersionIsBadRequest) {
  EXPECT_EQ(refusal(answer_ws_upgrade(upgrade("dGhlIHNhbXBsZSBub25jZQ==", ""))).result(),
            http::status::bad_request);
}

TEST(WsHandshake, KeyMustBeSixteenBytesOfBase64) {
  for (const std::string_view key : {"", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ==x",
                                     "dGhlIHNhbXBsZSBub25j*Q==", "dGhlIHNhbXBsZSBub25jZQ=A"}) {
    EXPECT_EQ(refusal(answer_ws_upgrade(upgrade(key))).result(), http::status::bad_request) << key;
  }
}

TEST(WsHandshake, NotAnUpgradeIsBadRequest) {
  HttpRequest post = upgrade();
  post.method(http::verb::post);
  EXPECT_EQ(refusal(answer_ws_upgrade(post)).result(), http::status::bad_request);
  HttpRequest plain = upgrade();
  plain.set(http::field::upgrade, "h2c");
  EXPECT_EQ(refusal(answer_ws_upgrade(plain)).result(), http::status::bad_request);
  HttpRequest no_connection = upgrade();
  no_connection.set(http::field::connection, "keep-alive");
  EXPECT_EQ(refusal(answer_ws_upgrade(no_connection)).result(), http::status::bad_request);
}

TEST(WsHandshake, RefusalsCloseTheConnection) {
  EXPECT_FALSE(refusal(answer_ws_upgrade(upgrade(""))).keep_alive());
}

}  // namespace
}  // namespace herald
