#include "transport/http_router.hpp"

#include "core/json_text.hpp"

namespace herald {
namespace http = boost::beast::http;

void HttpRouter::add(http::verb method, std::string path, HttpHandler handler,
                     std::optional<std::size_t> body_limit) {
  routes_[{method, std::move(path)}] = {std::move(handler), body_limit};
}

std::optional<std::size_t> HttpRouter::body_limit(const HttpRequest& header) const {
  const auto it = routes_.find(std::pair{header.method(), std::string(request_path(header))});
  return it == routes_.end() ? std::nullopt : it->second.body_limit;
}

void HttpRouter::dispatch(const HttpRequest& request, Respond respond) const {
  const std::string path(request_path(request));
  if (const auto it = routes_.find(std::pair{request.method(), path}); it != routes_.end()) {
    it->second.handler(request, std::move(respond));
    return;
  }
  const bool known_path = std::any_of(routes_.begin(), routes_.end(), [&](const auto& route) {
    return route.first.second == path;
  });
  if (known_path) {
    respond(json_error(request, http::status::method_not_allowed, "method_not_allowed",
                       "this path does not take that method"));
  } else {
    respond(json_error(request, http::status::not_found, "not_found", "no such endpoint"));
  }
}

HttpResponse make_response(const HttpRequest& request, http::status status, std::string body,
                           std::string_view content_type) {
  HttpResponse response{status, request.version()};
  response.set(http::field::server, "herald");
  response.set(http::field::content_type, content_type);
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

HttpResponse json_response(const HttpRequest& request, http::status status, std::string body) {
  return make_response(request, status, std::move(body), "application/json");
}

HttpResponse json_error(const HttpRequest& request, http::status status, std::string_view code,
                        std::string_view reason) {
  std::string body = "{\"error\":";
  append_json_string(body, code);
  body += ",\"reason\":";
  append_json_string(body, reason);
  body += '}';
  return json_response(request, status, std::move(body));
}

std::string_view request_path(const HttpRequest& request) {
  const std::string_view target = request.target();
  return target.substr(0, target.find('?'));
}

}  // namespace herald
