#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Herald: real-time delivery over WebSocket with durable rooms and exact resume"};
  app.require_subcommand(1);
  herald::tools::add_serve_command(app);
  herald::tools::add_sub_command(app);
  herald::tools::add_pub_command(app);
  herald::tools::add_bench_command(app);
  herald::tools::add_plan_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "herald: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
