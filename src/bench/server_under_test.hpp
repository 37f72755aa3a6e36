#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/child_process.hpp"

namespace herald::bench {

// The `herald serve` a scenario runs against: this executable, on a free loopback port, with a
// temporary data directory that restarts keep (so a restarted edge serves the same rooms), and
// the caller's extra flags. Its log goes to server.log in that directory.
class ServerUnderTest {
 public:
  ServerUnderTest(std::vector<std::string> extra_args);
  // Kills whatever still runs and removes the temporary directory.
  ~ServerUnderTest();
  ServerUnderTest(const ServerUnderTest&) = delete;
  ServerUnderTest& operator=(const ServerUnderTest&) = delete;

  // Starts a new process and returns once it answers GET /healthz with 200. An older process
  // may still run (draining): the listener's SO_REUSEPORT lets both hold the port. Throws
  // std::runtime_error, with the log, if it exits or is not healthy within `limit`.
  void start(std::chrono::milliseconds limit = std::chrono::seconds(20));
  // SIGKILL the current process, as a crash would.
  void kill();
  // SIGTERM the current process, which drains on its own; it is reaped by stop() at the latest.
  void terminate();
  // SIGTERM every process, and SIGKILL what is still there after `grace`.
  void stop(std::chrono::milliseconds grace);

  unsigned short port() const { return port_; }
  std::string ws_url() const;
  std::string log() const;
  // The current process's /metrics (Prometheus text). Throws std::runtime_error.
  std::string metrics() const;
  // The current process; -1 before start().
  pid_t pid() const;

 private:
  bool healthy() const;

  std::vector<std::string> extra_args_;
  std::filesystem::path root_;
  unsigned short port_;
  std::vector<ChildProcess> processes_;  // the current one last; earlier ones may be draining
};

}  // namespace herald::bench
