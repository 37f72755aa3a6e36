#include "server/server.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <thread>

#include "server/event_loop.hpp"
#include "transport/fault_hooks.hpp"
#include "transport/negotiate.hpp"

namespace herald {
namespace asio = boost::asio;

namespace {

// Sessions get this long to take their close frame before the loops stop.
constexpr auto kCloseGrace = std::chrono::seconds(2);
// How often a drain checks whether every session has gone.
constexpr auto kDrainPoll = std::chrono::milliseconds(50);
// Descriptors kept back from clients: the store, the listeners, the log, and the connections
// being refused, which need one each to be told 503.
constexpr std::size_t kReservedFiles = 64;

SqliteStoreOptions store_options(const Config& config) {
  SqliteStoreOptions options;
  options.retention_messages = config.retention_messages;
  options.retention_age = config.retention_age;
  options.sync_full = config.store_sync_full;
  return options;
}

std::filesystem::path database_file(const Config& config) {
  std::filesystem::create_directories(config.data);
  return config.data / "herald.db";
}

// The soft limit on open files (often 1024) is raised to the hard one: the number of clients,
// not a shell default, should decide how many connections this edge holds.
std::size_t raise_open_files_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return kReservedFiles * 2;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

AdmissionOptions admission_options(const Config& config) {
  const std::size_t files = raise_open_files_limit();
  const std::size_t fits = files > kReservedFiles ? files - kReservedFiles : 1;
  std::size_t max_connections = config.max_connections == 0 ? fits : config.max_connections;
  if (max_connections > fits) {
    spdlog::warn(
        "max-connections {} is more than the open-files limit allows ({}): expect "
        "failed accepts past {}",
        max_connections, files, fits);
  }
  const double burst = config.admission_burst > 0 ? config.admission_burst : config.admission_rate;
  return {max_connections, config.admission_rate, std::max(1.0, burst)};
}

PresenceOptions presence_options(const Config& config) {
  return {config.limits.effective_presence_ttl(), config.presence_window, config.presence_list_max};
}

asio::ip::tcp::endpoint listen_endpoint(const Config& config) {
  const auto [host, port] = split_host_port(config.listen);
  return {asio::ip::make_address(host), port};
}

}  // namespace

Server::Server(Config config)
    : config_(std::move(config)),
      store_(
          std::make_unique<SqliteStore>(database_file(config_), store_options(config_), metrics_)),
      // The cache never holds what the store no longer has: it would resume what is gone.
      cache_(MemoryCacheOptions{
          std::min(config_.cache_messages, config_.retention_messages),
          std::min<std::chrono::milliseconds>(config_.cache_age, config_.retention_age)}),
      presence_(bus_, metrics_, presence_options(config_)),
      publisher_(*store_, cache_, bus_),
      // A page holds at least what the cache does, so a cached range is served in one read.
      history_(cache_, *store_, std::max<std::size_t>(config_.cache_messages, 1000)),
      api_{publisher_, history_, presence_, metrics_, config_.limits, config_.api_key},
      admission_(admission_options(config_), metrics_),
      held_polls_(config_.polls_per_address) {
  set_fault_settings(config_.faults);  // test builds only
  add_server_api(router_, api_);
  add_negotiate(router_, config_.transports, config_.limits);
  const auto endpoint = listen_endpoint(config_);
  const EventLoop::Shared shared{bus_,       presence_,      publisher_,        history_,
                                 metrics_,   config_.limits, router_,           admission_,
                                 directory_, held_polls_,    config_.transports};
  for (unsigned i = 0; i < config_.threads; ++i) {
    loops_.push_back(std::make_unique<EventLoop>(shared, endpoint));
  }
}

Server::~Server() {
  // Presence and the store publish through the bus to the loops, so they stop first; the store
  // answers what is still queued, through the publisher and the loops, so it goes before them.
  presence_.stop();
  for (auto& loop : loops_)
    loop->stop();
  store_.reset();
}

void Server::run() {
  ShutdownSignals signals;  // first: from here on SIGTERM drains rather than kills
  presence_.start();
  for (auto& loop : loops_)
    loop->start();
  spdlog::info("herald listening on {} with {} event loop(s), data in {}", config_.listen,
               loops_.size(), config_.data.string());
  if (config_.api_key.empty()) {
    spdlog::warn("no --api-key given: the server API (/api/*) is closed");
  }
  signals.wait_for_first();
  drain(signals);
  close_sessions();
  spdlog::info("herald stopped");
}

void Server::drain(ShutdownSignals& signals) {
  admission_.start_draining();
  for (auto& loop : loops_)
    loop->drain(config_.drain_window);
  const auto end = std::chrono::steady_clock::now() + config_.drain_window;
  while (signals.received() < 2 && open_sessions() > 0 && std::chrono::steady_clock::now() < end)
    signals.wait_for(kDrainPoll);
}

void Server::close_sessions() {
  for (auto& loop : loops_)
    loop->close_sessions();
  const auto deadline = std::chrono::steady_clock::now() + kCloseGrace;
  while (open_sessions() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(kDrainPoll);
  for (auto& loop : loops_)
    loop->stop();
}

std::size_t Server::open_sessions() const {
  std::size_t open = 0;
  for (const auto& loop : loops_)
    open += loop->open_sessions();
  return open;
}

}  // namespace herald
