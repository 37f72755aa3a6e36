#include "transport/negotiate.hpp"

#include <string>

namespace herald {
namespace http = boost::beast::http;

namespace {

std::string negotiate_body(const Transports& transports, const Limits& limits) {
  std::string offered;
  auto offer = [&offered](std::string_view name, std::string_view path) {
    if (!offered.empty()) offered += ',';
    offered += R"({"name":")" + std::string(name) + R"(","path":")" + std::string(path) + "\"}";
  };
  if (transports.websocket) offer("websocket", "/ws");
  if (transports.sse) offer("sse", "/sse");
  const auto ms = [](auto duration) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(duration).count());
  };
  return R"({"transports":[)" + offered + R"(],"ping_interval_ms":)" + ms(limits.ping_interval) +
         R"(,"stream_keepalive_ms":)" + ms(limits.stream_keepalive) + R"(,"heartbeat_ms":)" +
         ms(limits.heartbeat) + "}";
}

}  // namespace

void add_negotiate(HttpRouter& router, const Transports& transports, const Limits& limits) {
  router.add(http::verb::get, "/negotiate",
             [body = negotiate_body(transports, limits)](const HttpRequest& request,
                                                         const Respond& respond) {
               respond(json_response(request, http::status::ok, body));
             });
}

}  // namespace herald
