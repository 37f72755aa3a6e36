#include "transport/http_response_text.hpp"

namespace herald {

std::string http_response_text(const HttpResponse& response) {
  constexpr std::size_t kHeadRoom = 256;  // the status line and the few fields a response has
  std::string text;
  text.reserve(kHeadRoom + response.body().size());
  const unsigned version = response.version();
  text += "HTTP/";
  text += std::to_string(version / 10);
  text += '.';
  text += std::to_string(version % 10);
  text += ' ';
  text += std::to_string(response.result_int());
  text += ' ';
  text += response.reason();
  text += "\r\n";
  for (const auto& field : response) {
    text += field.name_string();
    text += ": ";
    text += field.value();
    text += "\r\n";
  }
  text += "\r\n";
  text += response.body();
  return text;
}

}  // namespace herald
