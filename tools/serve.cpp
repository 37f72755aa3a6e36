#include <spdlog/spdlog.h>

#include "commands.hpp"
#include "server/config.hpp"
#include "server/server.hpp"

namespace herald::tools {

void add_serve_command(CLI::App& app) {
  auto* serve = app.add_subcommand("serve", "Run a Herald edge (embedded mode: SQLite in --data)");
  auto config = std::make_shared<Config>();
  add_config_options(*serve, *config);
  serve->callback([serve, config] {
    finish_config(*serve, *config);
    spdlog::set_level(spdlog::level::from_str(config->log_level));
    Server server(*config);
    server.run();
  });
}

}  // namespace herald::tools
