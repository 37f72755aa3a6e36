#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

#include "core/limits.hpp"
#include "transport/fault_hooks.hpp"
#include "transport/transports.hpp"

namespace CLI {
class App;
}

namespace herald {

// Everything `herald serve` can be told. Every field has one option name (e.g. max-frame-bytes)
// that is at once the flag (--max-frame-bytes), the environment variable (HERALD_MAX_FRAME_BYTES)
// and the TOML key (max_frame_bytes or max-frame-bytes).
struct Config {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT (IPv6 as [::1]:8080)
  std::filesystem::path data = "var";     // data directory (SQLite file lives inside)
  std::string api_key;                    // empty: the server API is closed
  unsigned threads = 0;  // event loops; 0 = one per core (finish_config resolves it to >= 1)
  Limits limits;
  Transports transports;                   // config key transports = "websocket,sse"
  std::size_t retention_messages = 10000;  // per room
  std::chrono::seconds retention_age{86400};
  std::size_t cache_messages = 1000;
  std::chrono::seconds cache_age{900};
  std::chrono::milliseconds presence_window{2000};  // presence and status changes batched over it
  std::size_t presence_list_max = 1000;  // members above which a room gets counts, not lists
  bool store_sync_full = true;           // config key store_sync = "full" | "normal"
  // Admission: open connections at most (0 = the open-files limit less a reserve) and new
  // connections per second (0 = unlimited) with a burst (0 = one second's worth).
  std::size_t max_connections = 0;
  double admission_rate = 500;
  double admission_burst = 0;
  std::chrono::seconds drain_window{30};  // SIGTERM closes sessions spread over this long
  std::size_t polls_per_address = 64;     // held polls of one client address at once; 0 = any
  std::string log_level = "info";         // trace debug info warn error
  // Set only by the hidden --fault-* options of a test build; a release build has no way to.
  FaultSettings faults;
};

// Adds every option to the `serve` subcommand, bound to `config`, plus `--config FILE`
// (HERALD_CONFIG). `config` must outlive the parse. Call finish_config() after app.parse().
void add_config_options(CLI::App& serve, Config& config);

// Applies the TOML file (only to options that neither a flag nor the environment set), validates,
// and resolves threads = 0 to the number of cores. Precedence: flag > environment > file > default.
// Throws CLI::ValidationError for an invalid value, std::runtime_error for a bad file
// (unreadable, syntax error, unknown key, wrong type), each naming the key and the file.
void finish_config(CLI::App& serve, Config& config);

// "127.0.0.1:8080" -> {"127.0.0.1", 8080}; "[::1]:8080" -> {"::1", 8080}.
// Throws std::invalid_argument unless the port is 1..65535 and the host is non-empty.
std::pair<std::string, unsigned short> split_host_port(std::string_view text);

}  // namespace herald
