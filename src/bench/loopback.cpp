#include "bench/loopback.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <system_error>

namespace herald::bench {
namespace {

// Closes the descriptor however the scope is left.
struct Socket {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

sockaddr_in loopback(unsigned short port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  return address;
}

bool send_all(int fd, std::string_view data) {
  return ::send(fd, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

}  // namespace

unsigned short free_loopback_port() {
  const Socket socket;
  if (socket.fd < 0) throw std::system_error(errno, std::generic_category(), "socket");
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  if (::bind(socket.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(socket.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::system_error(errno, std::generic_category(), "bind 127.0.0.1:0");
  }
  return ntohs(address.sin_port);
}

std::optional<HttpReply> loopback_get(unsigned short port, std::string_view target) {
  const Socket socket;
  if (socket.fd < 0) return std::nullopt;
  const timeval timeout{.tv_sec = 1, .tv_usec = 0};
  ::setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket.fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  const sockaddr_in address = loopback(port);
  if (::connect(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return std::nullopt;
  }
  const std::string request =
      "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (!send_all(socket.fd, request)) return std::nullopt;
  std::string response;
  std::array<char, 16384> buffer{};
  for (ssize_t got; (got = ::recv(socket.fd, buffer.data(), buffer.size(), 0)) > 0;)
    response.append(buffer.data(), static_cast<std::size_t>(got));
  return parse_http_reply(response);
}

std::optional<HttpReply> parse_http_reply(std::string_view response) {
  constexpr std::string_view kVersion = "HTTP/1.1 ";
  constexpr std::string_view kBlankLine = "\r\n\r\n";
  if (!response.starts_with(kVersion)) return std::nullopt;
  HttpReply reply;
  const std::string_view rest = response.substr(kVersion.size());
  if (std::from_chars(rest.data(), rest.data() + rest.size(), reply.status).ec != std::errc{}) {
    return std::nullopt;
  }
  if (const auto end = response.find(kBlankLine); end != std::string_view::npos) {
    reply.body = response.substr(end + kBlankLine.size());
  }
  return reply;
}

}  // namespace herald::bench
