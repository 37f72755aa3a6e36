#pragma once

#include <CLI/CLI.hpp>

namespace herald::tools {

// Each adds one `herald` subcommand whose callback runs it.
void add_serve_command(CLI::App& app);
void add_sub_command(CLI::App& app);
void add_pub_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_plan_command(CLI::App& app);

}  // namespace herald::tools
