#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>

#include "client/client.hpp"
#include "commands.hpp"
#include "core/json_text.hpp"

namespace herald::tools {
namespace {

struct PubOptions {
  std::string room;
  std::string data;
  std::string url = client::ClientOptions{}.url;
  std::string id;  // empty: the client makes one up
  double timeout_s = 10;
};

// `herald pub room 42` publishes a number, `herald pub room hello` the string "hello".
std::string as_json(const std::string& data) {
  boost::json::error_code ec;
  boost::json::parse(data, ec);
  if (!ec) return data;
  std::string out;
  append_json_string(out, data);
  return out;
}

void report_result(const client::PublishResult& result) {
  if (result.ok()) {
    std::cout << result.frame << '\n' << std::flush;
  } else if (!result.frame.empty()) {
    std::cerr << "herald pub: " << result.frame << '\n';
  } else if (result.error != "cancelled") {  // cancelled: the timeout already said why
    std::cerr << "herald pub: " << result.error << ": " << result.reason << '\n';
  }
}

void run_pub(const PubOptions& options) {
  boost::asio::io_context io;
  client::Client client(io, {.url = options.url});
  boost::asio::steady_timer deadline(io, std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::duration<double>(options.timeout_s)));
  int exit_code = 1;

  client.on_state([](client::State state, std::string_view reason) {
    if (state == client::State::disconnected && reason != "stopped") {
      std::cerr << "herald pub: disconnected: " << reason << '\n';
    }
  });
  client.publish(options.room, as_json(options.data), options.id,
                 [&](const client::PublishResult& result) {
                   report_result(result);
                   if (result.ok()) exit_code = 0;
                   deadline.cancel();
                   client.stop();
                 });
  deadline.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    std::cerr << "herald pub: no ack within " << options.timeout_s << " s\n";
    client.stop();
  });
  client.start();
  io.run();
  if (exit_code != 0) throw CLI::RuntimeError(exit_code);
}

}  // namespace

void add_pub_command(CLI::App& app) {
  auto options = std::make_shared<PubOptions>();
  CLI::App* pub = app.add_subcommand("pub", "Publish DATA to ROOM and print the ack");
  pub->add_option("room", options->room, "Room to publish to")->required();
  pub->add_option("data", options->data, "JSON, or any other text to send as a JSON string")
      ->required();
  pub->add_option("--url", options->url, "Server WebSocket URL")->capture_default_str();
  pub->add_option("--id", options->id, "Client message id (idempotency key; default: random)");
  pub->add_option("--timeout", options->timeout_s, "Give up after this many seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  pub->callback([options] { run_pub(*options); });
}

}  // namespace herald::tools
