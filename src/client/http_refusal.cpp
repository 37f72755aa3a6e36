#include "client/http_refusal.hpp"

#include <string>

#include "client/http_answers.hpp"
#include "client/server_wait.hpp"

namespace herald::client {

void fail_refused(Link& link, std::string_view what, unsigned status,
                  const boost::beast::http::fields& headers, std::string_view body) {
  std::string reason(what);
  reason += ": HTTP " + std::to_string(status) + " ";
  reason += body;
  if (status == 503 || status == 429) return link.fail({reason, false, retry_after(headers)});
  const auto error = status == 400 ? error_answer_frame(body) : std::nullopt;
  if (error) link.deliver(*error);
  link.fail({reason, !error});
}

}  // namespace herald::client
