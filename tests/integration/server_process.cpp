#include "server_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace herald::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace web = boost::beast::http;
using namespace std::chrono_literals;

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// The kernel picks a port nobody uses; the server binds it a moment later (SO_REUSEADDR makes
// the short window harmless in practice).
unsigned short free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_errno("socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  const int saved = errno;
  ::close(fd);
  if (!ok) throw std::system_error(saved, std::generic_category(), "bind 127.0.0.1:0");
  return ntohs(address.sin_port);
}

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "herald-test-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw_errno("mkdtemp");
  return pattern;
}

std::string random_hex(std::size_t bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    const unsigned byte = device() & 0xff;
    out += kHex[byte >> 4];
    out += kHex[byte & 0xf];
  }
  return out;
}

// HERALD_* variables of whoever runs the tests would silently change the server's config.
std::vector<char*> clean_environment() {
  std::vector<char*> env;
  for (char** entry = environ; *entry; ++entry) {
    if (std::string_view(*entry).starts_with("HERALD_")) continue;
    env.push_back(*entry);
  }
  env.push_back(nullptr);
  return env;
}

// Between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(int log_fd, char* const argv[], char* const envp[]) {
  // No PR_SET_PDEATHSIG: it fires when the forking *thread* ends, and tests restart servers from
  // helper threads.
  ::dup2(log_fd, STDOUT_FILENO);
  ::dup2(log_fd, STDERR_FILENO);
  // The test's own sockets must not stay open in the server.
  if (::close_range(3, ~0U, 0) != 0) {
    for (int fd = 3; fd < 1024; ++fd)
      ::close(fd);
  }
  ::execve(argv[0], argv, envp);
  _exit(127);
}

// Waits up to `limit` for `pid` to exit; its wait status if it did (and was reaped).
std::optional<int> reap_within(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    int status = 0;
    const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) return status;
    if (reaped < 0 && errno == ECHILD) return -1;  // gone, how is unknown: not a clean exit
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
}

void reap(pid_t pid) {
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

ServerProcess::ServerProcess(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)),
      root_(make_temp_dir()),
      port_(free_loopback_port()),
      api_key_(random_hex(16)) {
  std::filesystem::create_directory(data_dir());
}

ServerProcess::~ServerProcess() {
  // Quietly: a test that cares whether SIGTERM works calls stop() itself.
  if (running()) {
    ::kill(pid_, SIGTERM);
    if (!reap_within(pid_, 10s)) {
      std::cerr << "herald serve still running 10 s after SIGTERM: killed\n";
      kill9();
    }
  }
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- herald serve log (" << (root_ / "server.log").string() << ") ----\n"
              << log() << "---- end of log ----\n";
  }
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

std::string ServerProcess::ws_url() const {
  return "ws://127.0.0.1:" + std::to_string(port_) + "/ws";
}

std::string ServerProcess::log() const {
  std::ifstream file(root_ / "server.log");
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

void ServerProcess::start() {
  if (running()) throw std::logic_error("herald serve is already running");
  std::vector<std::string> args = {HERALD_BINARY, "serve", "--listen",
                                   "127.0.0.1:" + std::to_string(port_), "--data",
                                   data_dir().string(), "--api-key", api_key_, "--threads", "2",
                                   // Restarts in tests need not wait out a production drain.
                                   "--drain-window", "2", "--log-level", "warn"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::vector<char*> envp = clean_environment();

  const std::string log_path = (root_ / "server.log").string();
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw_errno("open " + log_path);
  const pid_t pid = ::fork();
  if (pid == 0) exec_child(log_fd, argv.data(), envp.data());
  const int fork_errno = errno;
  ::close(log_fd);
  if (pid < 0) throw std::system_error(fork_errno, std::generic_category(), "fork");
  pid_ = pid;
  wait_until_healthy();
}

void ServerProcess::wait_until_healthy() {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (true) {
    if (reap_within(pid_, 0ms)) {
      pid_ = -1;
      throw std::runtime_error("herald serve exited while starting; its log:\n" + log());
    }
    try {
      if (http(*this, "GET", "/healthz").first == 200) return;
    } catch (const std::system_error&) {
      // not listening yet
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      kill9();
      throw std::runtime_error("herald serve not healthy after 20 s; its log:\n" + log());
    }
    std::this_thread::sleep_for(50ms);
  }
}

void ServerProcess::kill9() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  reap(pid_);
  pid_ = -1;
}

void ServerProcess::stop(std::chrono::seconds grace) {
  if (!running()) return;
  terminate();
  wait_exit(grace);
}

void ServerProcess::terminate() {
  if (running()) ::kill(pid_, SIGTERM);
}

std::optional<int> ServerProcess::wait_exit(std::chrono::seconds grace) {
  if (!running()) return std::nullopt;
  const auto status = reap_within(pid_, grace);
  if (!status) {
    ADD_FAILURE() << "herald serve ignored SIGTERM for " << grace.count() << " s";
    kill9();
    return std::nullopt;
  }
  pid_ = -1;
  if (!WIFEXITED(*status)) return std::nullopt;
  return WEXITSTATUS(*status);
}

HttpResponse http_response(const ServerProcess& server, std::string_view method,
                           std::string_view target, std::string_view body, const Headers& headers) {
  web::request<web::string_body> request;
  request.version(11);
  request.method_string(method);
  request.target(target);
  request.set(web::field::host, "127.0.0.1:" + std::to_string(server.port()));
  for (const auto& [name, value] : headers)
    request.set(name, value);
  if (!body.empty() && request[web::field::content_type].empty()) {
    request.set(web::field::content_type, "application/json");
  }
  request.body() = std::string(body);
  request.prepare_payload();

  // Asynchronous only for the timeout: tcp_stream deadlines do not apply to blocking calls.
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  HttpResponse response;
  beast::error_code result;
  stream.expires_after(10s);
  const asio::ip::tcp::endpoint endpoint(asio::ip::address_v4::loopback(), server.port());
  stream.async_connect(endpoint, [&](beast::error_code ec) {
    if (ec) return void(result = ec);
    web::async_write(stream, request, [&](beast::error_code ec, std::size_t) {
      if (ec) return void(result = ec);
      web::async_read(stream, buffer, response,
                      [&](beast::error_code ec, std::size_t) { result = ec; });
    });
  });
  io.run();
  if (result) {
    throw std::system_error(result, std::string(method) + " " + std::string(target));
  }
  return response;
}

std::pair<int, std::string> http(const ServerProcess& server, std::string_view method,
                                 std::string_view target, std::string_view body,
                                 const Headers& headers) {
  HttpResponse response = http_response(server, method, target, body, headers);
  return {response.result_int(), std::move(response.body())};
}

}  // namespace herald::test
