#include "transport/negotiate.hpp"

#include <string>

#include "transport/stream_request.hpp"

namespace herald {
namespace http = boost::beast::http;

namespace {

std::string_view path_of(Transport transport) {
  switch (transport) {
    case Transport::websocket:
      return "/ws";
    case Transport::sse:
      return "/sse";
    case Transport::longpoll:
    case Transport::poll:
    case Transport::count_:
      break;
  }
  return "/poll";
}

// Long- and short-poll share a path and differ in the `wait` a client asks for.
std::string offer(Transport transport) {
  std::string entry = R"({"name":")" + std::string(to_string(transport)) + R"(","path":")" +
                      std::string(path_of(transport)) + '"';
  if (transport == Transport::longpoll)
    entry += R"(,"wait":)" + std::to_string(kLongPollWait.count());
  if (transport == Transport::poll) entry += R"(,"wait":0)";
  return entry + '}';
}

std::string negotiate_body(const Transports& transports, const Limits& limits) {
  std::string offered;
  for (const Transport transport : kTransports) {
    if (!transports.offers(transport)) continue;
    if (!offered.empty()) offered += ',';
    offered += offer(transport);
  }
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
