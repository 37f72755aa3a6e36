#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/client.hpp"
#include "commands.hpp"

namespace herald::tools {
namespace {

struct SubOptions {
  std::vector<std::string> rooms;
  std::string url = client::ClientOptions{}.url;
  Seq since = 0;
  CLI::Option* since_option = nullptr;  // set: resume from `since`; unset: live only
  std::size_t count = 0;                // 0: until interrupted
  std::string transport;                // one transport, no fallback
  std::string transports;               // the fallback order
};

// --transport pins one; --transports orders several; neither: all, in the documented order.
std::vector<client::Transport> chosen_transports(const SubOptions& options) {
  if (!options.transport.empty()) return client::parse_transports(options.transport);
  if (!options.transports.empty()) return client::parse_transports(options.transports);
  return client::all_transports();
}

void report_state(const client::Client& client, client::State state, std::string_view reason) {
  if (state == client::State::connected) {
    std::cerr << "herald sub: connected over " << client::to_string(client.transport());
    if (!reason.empty()) std::cerr << " (session " << reason << ")";
    std::cerr << '\n';
  } else {
    std::cerr << "herald sub: disconnected: " << reason << '\n';
  }
}

void report_joined(std::string_view room, Seq head, bool recovered, Seq from) {
  std::cerr << "herald sub: joined " << room << " (head " << head << ", from " << from << ")";
  if (!recovered) std::cerr << ": messages before " << from << " are no longer retained";
  std::cerr << '\n';
}

void run_sub(const SubOptions& options) {
  boost::asio::io_context io;
  client::Client client(io, {.url = options.url, .transports = chosen_transports(options)});
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  int exit_code = 0;
  const auto finish = [&](int code) {
    exit_code = code;
    signals.cancel();
    client.stop();
  };

  std::size_t delivered = 0;
  client.on_message([&](std::string_view, Seq, std::string_view frame) {
    std::cout << frame << '\n' << std::flush;  // a line at a time, for pipes and scripts
    if (options.count > 0 && ++delivered == options.count) finish(0);
  });
  client.on_joined(report_joined);
  client.on_state([&client](client::State state, std::string_view reason) {
    report_state(client, state, reason);
  });
  // sub sends only joins: any error means it cannot do what it was asked.
  client.on_error([&](const client::ServerError& error) {
    std::cerr << "herald sub: " << error.frame << '\n';
    finish(1);
  });
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) finish(0);
  });

  const std::optional<Seq> since =
      options.since_option->count() > 0 ? std::optional(options.since) : std::nullopt;
  for (const std::string& room : options.rooms)
    client.join(room, since);
  client.start();
  io.run();
  if (exit_code != 0) throw CLI::RuntimeError(exit_code);
}

}  // namespace

void add_sub_command(CLI::App& app) {
  auto options = std::make_shared<SubOptions>();
  CLI::App* sub = app.add_subcommand("sub", "Print every message of ROOMs, one JSON line each");
  sub->add_option("rooms", options->rooms, "Rooms to join")->required();
  sub->add_option("--url", options->url,
                  "Server URL (ws://HOST:PORT/ws or http://HOST:PORT; every transport uses it)")
      ->capture_default_str();
  auto* transport = sub->add_option(
      "--transport", options->transport,
      "Use only this transport: websocket (or ws), sse, longpoll or poll (short-poll)");
  sub->add_option("--transports", options->transports,
                  "Transports to try in this order, falling back when one cannot be set up "
                  "(default: websocket,sse,longpoll,poll)")
      ->excludes(transport);
  options->since_option =
      sub->add_option("--since", options->since, "Start after this seq (0: all retained)");
  sub->add_option("--count", options->count, "Exit after this many messages");
  sub->callback([options] { run_sub(*options); });
}

}  // namespace herald::tools
