#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/bench_target.hpp"
#include "bench/server_under_test.hpp"

namespace herald::bench {

// Which server a scenario measures and how to reach it.
struct ServerChoice {
  Target target = Target::herald;
  // HOST:PORT of a server that already runs (say, pinned to a core by bench/compare.sh), with
  // `pid` the process that serves the connections (nginx's worker, not its master). Empty: the
  // bench starts its own `herald serve` with `server_args`.
  std::string address;
  pid_t pid = -1;
  std::vector<std::string> server_args;
  std::string api_key = "herald-bench";  // Herald's server API key, for publishing
};

// The server of one scenario run: an IPv4 address, a port and the process whose memory and CPU
// are measured. Throws std::invalid_argument for a choice that cannot work (Nchan without an
// address, an address without a pid, a malformed address).
class MeasuredServer {
 public:
  explicit MeasuredServer(const ServerChoice& choice);

  Target target() const { return target_; }
  const std::string& ip() const { return ip_; }
  unsigned short port() const { return port_; }
  pid_t pid() const { return own_ ? own_->pid() : pid_; }
  const std::string& api_key() const { return api_key_; }
  // The server flags a result records: the bench's own server's, or the address measured.
  std::vector<std::string> description() const;

 private:
  Target target_;
  std::string ip_ = "127.0.0.1";
  unsigned short port_ = 0;
  pid_t pid_ = -1;
  std::string api_key_;
  std::vector<std::string> args_;
  std::unique_ptr<ServerUnderTest> own_;
};

}  // namespace herald::bench
