#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace herald {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
// Sends the response; callable once, from any thread.
using Respond = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, Respond)>;

// Maps method and path (without the query) to a handler.
class HttpRouter {
 public:
  // `body_limit` is the largest body the route reads; nullopt leaves the connection's default.
  void add(boost::beast::http::verb method, std::string path, HttpHandler handler,
           std::optional<std::size_t> body_limit = std::nullopt);
  void dispatch(const HttpRequest& request, Respond respond) const;
  // The body limit of the route that `header` asks for, if it has one of its own.
  std::optional<std::size_t> body_limit(const HttpRequest& header) const;

 private:
  struct Route {
    HttpHandler handler;
    std::optional<std::size_t> body_limit;
  };
  std::map<std::pair<boost::beast::http::verb, std::string>, Route, std::less<>> routes_;
};

// A response with a body of the given type, keep-alive as the request asked.
HttpResponse make_response(const HttpRequest& request, boost::beast::http::status status,
                           std::string body, std::string_view content_type);
HttpResponse json_response(const HttpRequest& request, boost::beast::http::status status,
                           std::string body);
// {"error": code, "reason": reason}
HttpResponse json_error(const HttpRequest& request, boost::beast::http::status status,
                        std::string_view code, std::string_view reason);

std::string_view request_path(const HttpRequest& request);

}  // namespace herald
