#include "bench/tcp_dial.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace herald::bench {
namespace {

sockaddr_in ipv4(const std::string& ip, unsigned short port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, ip.c_str(), &address.sin_addr);
  return address;
}

int fail(int fd) {
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return -1;
}

}  // namespace

int dial_tcp(const std::string& server_ip, unsigned short port, const std::string& source_ip) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  // Small frames (pongs, publishes) must leave at once, not wait for Nagle.
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!source_ip.empty()) {
    // The port is picked at connect time, from the 4-tuple, so one source address serves more
    // connections than the ephemeral range would if bind() had to pick it alone.
    ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    const sockaddr_in local = ipv4(source_ip, 0);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) return fail(fd);
  }
  const sockaddr_in remote = ipv4(server_ip, port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&remote), sizeof remote) != 0 &&
      errno != EINPROGRESS) {
    return fail(fd);
  }
  return fd;
}

}  // namespace herald::bench
