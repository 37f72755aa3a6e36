#include "client/server_address.hpp"

#include <algorithm>
#include <stdexcept>

namespace herald::client {

std::string ServerAddress::base() const {
  std::string_view path = target;
  if (path.ends_with("/ws")) path.remove_suffix(3);
  while (path.ends_with('/'))
    path.remove_suffix(1);
  return std::string(path);
}

ServerAddress parse_server_url(std::string_view url) {
  const auto invalid = [&](std::string_view why) {
    return std::invalid_argument("bad url '" + std::string(url) + "': " + std::string(why));
  };
  std::string_view rest = url;
  if (rest.starts_with("ws://")) {
    rest.remove_prefix(5);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    throw invalid("only ws:// and http:// are supported");
  }
  const auto slash = rest.find('/');
  ServerAddress out;
  out.authority = std::string(rest.substr(0, slash));
  out.target = slash == std::string_view::npos ? "/ws" : std::string(rest.substr(slash));

  std::string_view host = out.authority;
  std::string_view port;
  if (host.starts_with('[')) {  // [IPv6]:port
    const auto close = host.find(']');
    if (close == std::string_view::npos) throw invalid("unclosed '['");
    const std::string_view after = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!after.empty()) {
      if (after.front() != ':') throw invalid("junk after ']'");
      port = after.substr(1);
      if (port.empty()) throw invalid("empty port");
    }
  } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (port.empty()) throw invalid("empty port");
  }
  if (host.empty()) throw invalid("no host");
  if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    throw invalid("port is not a number");
  }
  out.host = std::string(host);
  out.port = port.empty() ? "80" : std::string(port);
  return out;
}

}  // namespace herald::client
