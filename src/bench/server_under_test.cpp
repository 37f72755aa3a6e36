#include "bench/server_under_test.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

namespace herald::bench {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

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

// The kernel picks a port nobody uses; the server binds it a moment later.
unsigned short free_loopback_port() {
  const Socket socket;
  if (socket.fd < 0) throw_errno("socket");
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  if (::bind(socket.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(socket.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw_errno("bind 127.0.0.1:0");
  }
  return ntohs(address.sin_port);
}

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "herald-bench-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw_errno("mkdtemp");
  return pattern;
}

}  // namespace

ServerUnderTest::ServerUnderTest(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), root_(make_temp_dir()), port_(free_loopback_port()) {
  std::filesystem::create_directory(root_ / "data");
}

ServerUnderTest::~ServerUnderTest() {
  processes_.clear();  // each kills and reaps its process
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

std::string ServerUnderTest::ws_url() const {
  return "ws://127.0.0.1:" + std::to_string(port_) + "/ws";
}

std::string ServerUnderTest::log() const {
  std::ifstream file(root_ / "server.log");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

void ServerUnderTest::start(std::chrono::milliseconds limit) {
  std::vector<std::string> argv = {own_executable().string(),
                                   "serve",
                                   "--listen",
                                   "127.0.0.1:" + std::to_string(port_),
                                   "--data",
                                   (root_ / "data").string(),
                                   "--log-level",
                                   "warn"};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  ChildProcess& process = processes_.emplace_back(argv, SpawnOptions{.log = root_ / "server.log"});
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!healthy()) {
    if (process.wait_for(std::chrono::milliseconds(0))) {
      throw std::runtime_error("herald serve exited while starting; its log:\n" + log());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      process.kill();
      throw std::runtime_error("herald serve not healthy in time; its log:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void ServerUnderTest::kill() {
  if (!processes_.empty()) processes_.back().kill();
}

void ServerUnderTest::terminate() {
  if (!processes_.empty()) processes_.back().signal(SIGTERM);
}

void ServerUnderTest::stop(std::chrono::milliseconds grace) {
  for (ChildProcess& process : processes_)
    process.signal(SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (ChildProcess& process : processes_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!process.wait_for(std::max(left, std::chrono::milliseconds(0)))) process.kill();
  }
  processes_.clear();
}

// A bare HTTP/1.1 request: the bench must not depend on the client under test to judge the
// server. One second per step at most.
bool ServerUnderTest::healthy() const {
  const Socket socket;
  if (socket.fd < 0) throw_errno("socket");
  const timeval timeout{.tv_sec = 1, .tv_usec = 0};
  ::setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(socket.fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  const sockaddr_in address = loopback(port_);
  if (::connect(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return false;
  }
  constexpr std::string_view kRequest =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::send(socket.fd, kRequest.data(), kRequest.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(kRequest.size())) {
    return false;
  }
  constexpr std::string_view kOk = "HTTP/1.1 200";
  char status[kOk.size()] = {};
  const ssize_t got = ::recv(socket.fd, status, sizeof status, MSG_WAITALL);
  return got == static_cast<ssize_t>(kOk.size()) && std::string_view(status, kOk.size()) == kOk;
}

}  // namespace herald::bench
