// http_response_text writes what Beast's serializer writes for the same response, byte for byte:
// clients see no difference from the library's own HTTP.

#include "transport/http_response_text.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/write.hpp>
#include <sstream>
#include <string>

namespace herald {
namespace {

namespace http = boost::beast::http;

std::string written_by_beast(const HttpResponse& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

HttpResponse response(http::status status, unsigned version, std::string body) {
  HttpResponse r{status, version};
  r.set(http::field::content_type, "application/json");
  r.set(http::field::cache_control, "no-store");
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

TEST(HttpResponseText, MatchesBeastForAJsonAnswer) {
  const HttpResponse r = response(http::status::ok, 11, R"([{"seq":1,"id":"a"}])");
  EXPECT_EQ(http_response_text(r), written_by_beast(r));
}

TEST(HttpResponseText, MatchesBeastForAnEmptyBodyAndAnError) {
  const HttpResponse empty = response(http::status::not_modified, 11, "");
  EXPECT_EQ(http_response_text(empty), written_by_beast(empty));
  const HttpResponse error = response(http::status::payload_too_large, 11, R"({"error":"big"})");
  EXPECT_EQ(http_response_text(error), written_by_beast(error));
}

TEST(HttpResponseText, KeepsTheRequestsVersionAndConnectionField) {
  HttpResponse r = response(http::status::ok, 10, "{}");
  r.keep_alive(true);  // HTTP/1.0 says so in a field
  const std::string text = http_response_text(r);
  EXPECT_EQ(text, written_by_beast(r));
  EXPECT_EQ(text.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << text;
  EXPECT_NE(text.find("Connection: keep-alive\r\n"), std::string::npos) << text;
}

TEST(HttpResponseText, KeepsACustomReasonAndRepeatedFields) {
  HttpResponse r = response(http::status::service_unavailable, 11, "{}");
  r.reason("Draining");
  r.insert(http::field::vary, "Accept");
  r.insert(http::field::vary, "Origin");
  r.insert("X-Herald-Edge", "edge-1");
  EXPECT_EQ(http_response_text(r), written_by_beast(r));
}

}  // namespace
}  // namespace herald
