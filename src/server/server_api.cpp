#include "server/server_api.hpp"

#include <boost/url/parse.hpp>
#include <charconv>
#include <optional>

#include "core/frames.hpp"
#include "core/json_text.hpp"
#include "core/protocol.hpp"
#include "server/metrics_text.hpp"

namespace herald {
namespace http = boost::beast::http;

namespace {

constexpr std::size_t kDefaultHistoryLimit = 100;
constexpr std::size_t kMaxBatchBodyBytes = std::size_t{1024} * 1024;

// Compares in time independent of where the strings differ, so the key cannot be guessed
// byte by byte from response times.
bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

// The error response when the request may not use the server API, or nullopt when it may.
std::optional<HttpResponse> refuse(const HttpRequest& request, const std::string& api_key) {
  if (api_key.empty()) {
    return json_error(request, http::status::forbidden, "api_disabled",
                      "the server API is closed: start herald with --api-key");
  }
  constexpr std::string_view kScheme = "Bearer ";
  const std::string_view header = request[http::field::authorization];
  const bool bearer = header.substr(0, kScheme.size()) == kScheme;
  if (bearer && constant_time_equal(header.substr(kScheme.size()), api_key)) return std::nullopt;
  auto response = json_error(request, http::status::unauthorized, "unauthorized",
                             "send Authorization: Bearer <api key>");
  response.set(http::field::www_authenticate, "Bearer");
  return response;
}

std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string ack_body(const Message& message, bool duplicate) {
  std::string body = "{\"room\":";
  append_json_string(body, message.room);
  body += ",\"seq\":" + std::to_string(message.seq) + ",\"id\":";
  if (message.id.empty()) {
    body += "null";
  } else {
    append_json_string(body, message.id);
  }
  body += duplicate ? ",\"duplicate\":true}" : ",\"duplicate\":false}";
  return body;
}

// The answer to a publish: one ack, or for a batch an array of them in request order.
std::string publish_body(const std::vector<Published>& published, bool batch) {
  if (!batch) return ack_body(published.front().envelope->msg, published.front().duplicate);
  std::string body = "[";
  for (const Published& one : published) {
    if (body.size() > 1) body += ',';
    body += ack_body(one.envelope->msg, one.duplicate);
  }
  body += ']';
  return body;
}

void publish(const ServerApi& api, const HttpRequest& request, Respond respond) {
  if (auto refused = refuse(request, api.api_key)) return respond(std::move(*refused));
  auto decoded = decode_publish_request(request.body());
  if (auto* error = std::get_if<DecodeError>(&decoded)) {
    api.metrics.count(error->code);
    return respond(
        json_error(request, http::status::bad_request, to_string(error->code), error->reason));
  }
  PublishRequest& body = std::get<PublishRequest>(decoded);
  std::vector<PublishFrame>& messages = body.messages;
  for (const PublishFrame& frame : messages) {
    if (frame.data.size() > api.limits.max_frame_bytes) {
      api.metrics.count(ProtocolError::frame_too_big);
      return respond(json_error(request, http::status::payload_too_large, "too_large",
                                "data is over the message size limit"));
    }
  }
  std::vector<AppendRequest> appends;
  appends.reserve(messages.size());
  for (PublishFrame& frame : messages)
    appends.push_back({std::move(frame.room), std::move(frame.id), std::move(frame.data)});
  api.publisher.publish_batch(
      std::move(appends),
      [head = HttpRequest(request.base()), batch = body.batch, respond = std::move(respond)](
          std::error_code ec, const std::vector<Published>& published) {
        if (ec) {
          // Retrying is safe: with ids, what was stored comes back as a duplicate.
          return respond(json_error(head, http::status::service_unavailable, "unavailable",
                                    "the message was not stored; retry"));
        }
        respond(json_response(head, http::status::ok, publish_body(published, batch)));
      });
}

struct HistoryQuery {
  std::string room;
  Seq since = 0;
  std::size_t limit = kDefaultHistoryLimit;
};

std::optional<HistoryQuery> parse_history_query(const HttpRequest& request, std::size_t max_limit) {
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) return std::nullopt;
  HistoryQuery query;
  for (const auto& param : url->params()) {
    if (param.key == "room") {
      query.room = param.value;
    } else if (param.key == "since" || param.key == "limit") {
      const auto number = parse_number(param.value);
      if (!number) return std::nullopt;
      (param.key == "since" ? query.since : query.limit) = *number;
    }
  }
  if (!valid_room(query.room) || query.limit == 0) return std::nullopt;
  query.limit = std::min(query.limit, max_limit);
  return query;
}

std::string history_body(const HistoryQuery& query, const HistoryRange& range) {
  std::string body = "{\"room\":";
  append_json_string(body, query.room);
  body += ",\"head\":" + std::to_string(range.head);
  body += ",\"first\":" + std::to_string(range.first_retained) + ",\"messages\":[";
  const std::size_t n = std::min(query.limit, range.messages.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0) body += ',';
    body += *range.messages[i]->frame;
  }
  body += "]}";
  return body;
}

void history(const ServerApi& api, const HttpRequest& request, Respond respond) {
  if (auto refused = refuse(request, api.api_key)) return respond(std::move(*refused));
  auto query = parse_history_query(request, api.history.page_size());
  if (!query) {
    return respond(json_error(request, http::status::bad_request, "bad_query",
                              "expected room=<name>&since=<seq>&limit=<1..1000>"));
  }
  api.history.read(query->room, query->since,
                   [request, query = *query, respond = std::move(respond)](
                       std::error_code ec, const HistoryRange& range) {
                     if (ec) {
                       respond(json_error(request, http::status::service_unavailable, "unavailable",
                                          "the store could not be read"));
                       return;
                     }
                     respond(json_response(request, http::status::ok, history_body(query, range)));
                   });
}

// The value of `key` in the request's query string, if it is there.
std::optional<std::string> query_param(const HttpRequest& request, std::string_view key) {
  const auto url = boost::urls::parse_origin_form(request.target());
  if (!url) return std::nullopt;
  const auto it = url->params().find(key);
  if (it == url->params().end()) return std::nullopt;
  return std::string((*it).value);
}

void presence(const ServerApi& api, const HttpRequest& request, Respond respond) {
  if (auto refused = refuse(request, api.api_key)) return respond(std::move(*refused));
  const auto room = query_param(request, "room");
  if (!room || !valid_room(*room)) {
    return respond(json_error(request, http::status::bad_request, "bad_query",
                              "expected room=<name>, optionally &counts=1"));
  }
  const auto counts = query_param(request, "counts");
  const bool counts_only = counts && (*counts == "1" || *counts == "true");
  api.presence.list(
      *room, counts_only,
      [request, room = *room, respond = std::move(respond)](const PresenceList& list) {
        respond(json_response(request, http::status::ok, encode_presence_list(room, list)));
      });
}

std::string status_body(std::string_view user, const UserStatus& status) {
  const auto time = [](std::optional<std::int64_t> ms) {
    return ms ? std::to_string(*ms) : std::string("null");
  };
  std::string body = "{\"user\":";
  append_json_string(body, user);
  body += status.online ? ",\"online\":true" : ",\"online\":false";
  body += ",\"ts\":" + time(status.ts_ms) + ",\"last_seen\":" + time(status.last_seen_ms) + "}";
  return body;
}

void user_status(const ServerApi& api, const HttpRequest& request, Respond respond) {
  if (auto refused = refuse(request, api.api_key)) return respond(std::move(*refused));
  const auto user = query_param(request, "user");
  if (!user || !valid_user(*user)) {
    return respond(
        json_error(request, http::status::bad_request, "bad_query", "expected user=<id>"));
  }
  api.presence.status(
      *user, [request, user = *user, respond = std::move(respond)](UserStatus status) {
        respond(json_response(request, http::status::ok, status_body(user, status)));
      });
}

}  // namespace

void add_server_api(HttpRouter& router, const ServerApi& api) {
  // A batch takes a bigger body than a single message; bodies over the limit get 413.
  const std::size_t publish_body_limit = std::max(kMaxBatchBodyBytes, api.limits.max_body_bytes());
  router.add(
      http::verb::post, "/api/publish",
      [&api](const HttpRequest& request, Respond respond) {
        publish(api, request, std::move(respond));
      },
      publish_body_limit);
  router.add(http::verb::get, "/api/history", [&api](const HttpRequest& request, Respond respond) {
    history(api, request, std::move(respond));
  });
  router.add(http::verb::get, "/api/presence", [&api](const HttpRequest& request, Respond respond) {
    presence(api, request, std::move(respond));
  });
  router.add(http::verb::get, "/api/status", [&api](const HttpRequest& request, Respond respond) {
    user_status(api, request, std::move(respond));
  });
  router.add(http::verb::get, "/healthz", [](const HttpRequest& request, const Respond& respond) {
    respond(json_response(request, http::status::ok, R"({"status":"ok"})"));
  });
  router.add(http::verb::get, "/metrics",
             [&api](const HttpRequest& request, const Respond& respond) {
               respond(make_response(request, http::status::ok, render_metrics(api.metrics),
                                     "text/plain; version=0.0.4"));
             });
}

}  // namespace herald
