#include "bench/server_under_test.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

#include "bench/loopback.hpp"

namespace herald::bench {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
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

bool ServerUnderTest::healthy() const {
  const std::optional<HttpReply> reply = loopback_get(port_, "/healthz");
  return reply && reply->status == 200;
}

std::string ServerUnderTest::metrics() const {
  const std::optional<HttpReply> reply = loopback_get(port_, "/metrics");
  if (!reply || reply->status != 200) throw std::runtime_error("GET /metrics failed");
  return reply->body;
}

pid_t ServerUnderTest::pid() const {
  return processes_.empty() ? -1 : processes_.back().pid();
}

}  // namespace herald::bench
