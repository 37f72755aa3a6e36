#include "server/server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <thread>

#include "server/event_loop.hpp"

namespace herald {
namespace asio = boost::asio;

namespace {

// Sessions get this long to take their close frame before the loops stop.
constexpr auto kCloseGrace = std::chrono::seconds(2);

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
      api_{publisher_, history_, presence_, metrics_, config_.limits, config_.api_key} {
  add_server_api(router_, api_);
  const auto endpoint = listen_endpoint(config_);
  const EventLoop::Shared shared{bus_,     presence_,      publisher_, history_,
                                 metrics_, config_.limits, router_};
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
  presence_.start();
  for (auto& loop : loops_)
    loop->start();
  spdlog::info("herald listening on {} with {} event loop(s), data in {}", config_.listen,
               loops_.size(), config_.data.string());
  if (config_.api_key.empty()) {
    spdlog::warn("no --api-key given: the server API (/api/*) is closed");
  }

  asio::io_context signals_io;
  asio::signal_set signals(signals_io, SIGINT, SIGTERM);
  signals.async_wait([](const boost::system::error_code&, int signal) {
    spdlog::info("signal {} received: shutting down", signal);
  });
  signals_io.run();
  shut_down();
}

void Server::shut_down() {
  for (auto& loop : loops_)
    loop->close_sessions();
  const auto deadline = std::chrono::steady_clock::now() + kCloseGrace;
  auto open = [this] {
    std::size_t n = 0;
    for (auto& loop : loops_)
      n += loop->open_websockets();
    return n;
  };
  while (open() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& loop : loops_)
    loop->stop();
  spdlog::info("herald stopped");
}

}  // namespace herald
