#include "bench/http_response_head.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace herald::bench {
namespace {

constexpr std::string_view kBlankLine = "\r\n\r\n";
constexpr std::string_view kLineEnd = "\r\n";

bool same_text(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "HTTP/1.1 101 Switching Protocols": the three-digit code, or 0.
int status_code(std::string_view line) {
  constexpr std::string_view kVersion = "HTTP/1.";
  if (!line.starts_with(kVersion) || line.size() < kVersion.size() + 5) return 0;
  const std::string_view digits = line.substr(kVersion.size() + 2, 3);
  int code = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code);
  return ec == std::errc{} && end == digits.data() + digits.size() && code >= 100 ? code : 0;
}

bool read_header(std::string_view line, HttpResponseHead& head) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return true;  // tolerated, as most clients do
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = trim(line.substr(colon + 1));
  if (same_text(name, "Content-Length")) {
    std::size_t length = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (ec != std::errc{} || end != value.data() + value.size()) return false;
    head.content_length = length;
  } else if (same_text(name, "Transfer-Encoding")) {
    head.chunked = same_text(value, "chunked");
  } else if (same_text(name, "Sec-WebSocket-Accept")) {
    head.websocket_accept = value;
  }
  return true;
}

}  // namespace

HttpResponseHead parse_http_response_head(std::string_view bytes) {
  const auto end = bytes.find(kBlankLine);
  if (end == std::string_view::npos) return {};
  HttpResponseHead head{.head_size = end + kBlankLine.size()};
  std::string_view rest = bytes.substr(0, end + kLineEnd.size());
  const auto first_end = rest.find(kLineEnd);
  head.code = status_code(rest.substr(0, first_end));
  if (head.code == 0) return {.status = HttpResponseHead::Status::invalid};
  rest.remove_prefix(first_end + kLineEnd.size());
  for (std::size_t eol; (eol = rest.find(kLineEnd)) != std::string_view::npos;
       rest.remove_prefix(eol + kLineEnd.size())) {
    if (!read_header(rest.substr(0, eol), head)) {
      return {.status = HttpResponseHead::Status::invalid};
    }
  }
  head.status = HttpResponseHead::Status::complete;
  return head;
}

}  // namespace herald::bench
