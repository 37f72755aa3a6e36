#pragma once

#include <sys/types.h>

#include <boost/beast/http.hpp>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::test {

// A real `herald serve` (the HERALD_BINARY the build defines) for integration tests: its own
// loopback port, temporary data directory and API key. Restarts keep the port and the data, so
// a test can crash the server and check what survives.
class ServerProcess {
 public:
  // Appended after the defaults (--listen --data --api-key --threads 2 --drain-window 2
  // --log-level warn), which they override.
  explicit ServerProcess(std::vector<std::string> extra_args = {});
  // SIGTERM (SIGKILL after 10 s), removes the temporary directory; prints the server's log if
  // the test failed.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts (or restarts) it and returns once GET /healthz answers 200; throws after 20 s or if
  // the process exits first, with its log in the message.
  void start();
  // SIGKILL and reap, as a crash would.
  void kill9();
  // SIGTERM (drain) and wait; after `grace`, a test failure and SIGKILL.
  void stop(std::chrono::seconds grace = std::chrono::seconds(40));
  // SIGTERM, without waiting.
  void terminate();
  // Waits for the process to exit: its exit code, or nothing if a signal ended it. After
  // `grace`, a test failure, SIGKILL and nothing.
  std::optional<int> wait_exit(std::chrono::seconds grace);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }  // -1 while not running

  unsigned short port() const { return port_; }
  std::string ws_url() const;  // ws://127.0.0.1:PORT/ws
  std::filesystem::path data_dir() const { return root_ / "data"; }
  std::string api_key() const { return api_key_; }
  std::string log() const;  // all the server printed, across restarts

 private:
  void wait_until_healthy();

  std::vector<std::string> extra_args_;
  std::filesystem::path root_;  // temporary: data/ and server.log
  unsigned short port_ = 0;
  std::string api_key_;
  pid_t pid_ = -1;
};

using Headers = std::vector<std::pair<std::string, std::string>>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// One HTTP/1.1 request to the server (10 s limit), the whole response. A non-empty body without
// a Content-Type header is sent as application/json. Throws std::system_error when no response
// comes back (refused, reset, timeout).
HttpResponse http_response(const ServerProcess& server, std::string_view method,
                           std::string_view target, std::string_view body = {},
                           const Headers& headers = {});

// http_response(), cut down to {status, body}.
std::pair<int, std::string> http(const ServerProcess& server, std::string_view method,
                                 std::string_view target, std::string_view body = {},
                                 const Headers& headers = {});

}  // namespace herald::test
