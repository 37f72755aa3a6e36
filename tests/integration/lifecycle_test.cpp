// The connection lifecycle against a real `herald serve`: dead peers are cut off, a full or
// overrun edge answers 503 with Retry-After and clients wait, and SIGTERM drains: /healthz turns
// 503, every session gets `goaway` and close 1001 spread over the window, the process exits 0,
// and a successor on the same data resumes every client exactly.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "client_support.hpp"
#include "itest_support.hpp"
#include "ws_probe.hpp"

namespace herald::test {
namespace {

using Clock = std::chrono::steady_clock;

// A WebSocket upgrade request, answered 101 when admitted.
HttpResponse upgrade(const ServerProcess& server) {
  return http_response(server, "GET", "/ws", {},
                       {{"Upgrade", "websocket"},
                        {"Connection", "Upgrade"},
                        {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
                        {"Sec-WebSocket-Version", "13"}});
}

// A 503 with a Retry-After of at least a second and the JSON error naming why.
::testing::AssertionResult refused(const HttpResponse& response, std::string_view why) {
  if (response.result_int() != 503) {
    return ::testing::AssertionFailure() << "status " << response.result_int();
  }
  const std::string retry_after(response[boost::beast::http::field::retry_after]);
  if (retry_after.empty() || std::stoi(retry_after) < 1) {
    return ::testing::AssertionFailure() << "Retry-After: '" << retry_after << "'";
  }
  if (str(parse_object(response.body()), "error") != why) {
    return ::testing::AssertionFailure() << "body: " << response.body();
  }
  return ::testing::AssertionSuccess();
}

std::string refused_series(std::string_view why) {
  return "herald_refused_total{reason=\"" + std::string(why) + "\"}";
}

TEST(Keepalive, SilentPeerIsCutOffAndItsSessionFreed) {
  ServerProcess server({"--ping-interval", "1", "--pong-timeout", "1"});
  server.start();
  boost::asio::io_context io;
  Subscriber bystander(io, server.ws_url(), {"keepalive"});
  ASSERT_TRUE(run_until(io, [&] { return bystander.joins == 1; }));

  WsProbe silent(server.port());
  silent.hello();
  silent.join("keepalive");
  const auto went_silent = Clock::now();
  // The probe reads nothing from here on, so nothing answers the server's pings.
  ASSERT_TRUE(run_until(
      io, [&] { return metric(server, "herald_dead_peers_total") == 1; }, 20s));
  // Ping interval + pong timeout + one keepalive sweep, with room for a slow machine.
  EXPECT_LE(Clock::now() - went_silent, 6s);
  // Only the bystander is left, plus the connection asking for the metrics (the one before it
  // may take a moment to be noticed as closed).
  EXPECT_TRUE(run_until(io, [&] { return metric(server, "herald_sessions") == 1; }));
  EXPECT_TRUE(run_until(io, [&] { return metric(server, "herald_connections") == 2; }));
  EXPECT_TRUE(bystander.disconnects.empty()) << bystander.describe();
  bystander.stop();
}

TEST(Admission, FullEdgeRefusesUpgradesAndTheClientWaitsForRetryAfter) {
  ServerProcess server({"--max-connections", "3"});
  server.start();
  std::vector<std::unique_ptr<WsProbe>> members;
  for (int i = 0; i < 3; ++i) {
    members.push_back(std::make_unique<WsProbe>(server.port()));
    members.back()->hello();
  }
  EXPECT_TRUE(refused(upgrade(server), "full"));

  // Refused with Retry-After: 5, a client makes no second attempt within 3 s.
  boost::asio::io_context io;
  Subscriber late(io, server.ws_url(), {"admission"});
  run_until(
      io, [] { return false; }, 3s);
  ASSERT_EQ(late.disconnects.size(), 1u) << late.describe();
  EXPECT_NE(late.disconnects.front().find("503"), std::string::npos) << late.describe();

  members.pop_back();
  EXPECT_TRUE(run_until(
      io, [&] { return late.joins == 1; }, 20s))
      << late.describe();
  late.stop();
  io.run_for(200ms);  // its close
  members.clear();
  EXPECT_TRUE(eventually([&] { return metric(server, refused_series("full")) >= 2; }));
}

TEST(Admission, NewConnectionsOverTheRateAreRefusedWithRetryAfter) {
  ServerProcess server({"--admission-rate", "2", "--admission-burst", "3"});
  server.start();
  std::this_thread::sleep_for(2s);  // the health checks of start() took tokens: refill

  int admitted = 0;
  int refusals = 0;
  const auto started = Clock::now();
  for (int i = 0; i < 8; ++i) {
    const HttpResponse response = upgrade(server);
    if (response.result_int() == 101) {
      ++admitted;
    } else {
      EXPECT_TRUE(refused(response, "rate"));
      ++refusals;
    }
  }
  // The burst, plus what refilled (2 a second) while the attempts ran.
  const std::chrono::duration<double> took = Clock::now() - started;
  EXPECT_GE(admitted, 3);
  EXPECT_LE(admitted, 3 + static_cast<int>(took.count() * 2) + 1) << "in " << took.count() << " s";
  EXPECT_GE(refusals, 1);
  std::this_thread::sleep_for(1s);  // a token for the metrics request
  EXPECT_EQ(metric(server, refused_series("rate")), refusals);
}

TEST(Drain, SigtermSendsEveryoneAwayOverTheWindowAndTheSuccessorResumesThem) {
  constexpr int kClients = 200;
  constexpr int kMessages = 400;
  constexpr auto kWindow = 4s;
  const std::vector<std::string> rooms = {"drain-a", "drain-b", "drain-c", "drain-d"};
  ServerProcess server({"--drain-window", "4"});
  server.start();

  boost::asio::io_context io;
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (int i = 0; i < kClients; ++i) {
    subscribers.push_back(std::make_unique<Subscriber>(
        io, server.ws_url(), std::vector{rooms[static_cast<std::size_t>(i) % rooms.size()]}));
  }
  // Everyone is in before the first message, which every subscriber must then get.
  ASSERT_TRUE(run_until(io, [&] {
    return std::all_of(subscribers.begin(), subscribers.end(),
                       [](const auto& s) { return s->joins == 1; });
  })) << describe(subscribers);
  TrackedPublisher publisher(io, server.ws_url(), rooms, kMessages, 10);
  publisher.start();
  ASSERT_TRUE(run_until(io, [&] { return publisher.acked() >= kMessages / 4; }));

  // SIGTERM from another thread while the clients keep running on this one. The signal reaches
  // the server asynchronously, so /healthz is polled until its first 503, which must come well
  // inside the window; every later answer must stay 503.
  std::optional<Clock::duration> unhealthy_after;
  int healthz_after = 0;
  std::optional<int> exit_code;
  Clock::duration exit_after{};
  std::atomic<bool> exited = false;
  const auto terminated = Clock::now();
  std::thread stopper([&] {
    server.terminate();
    while (!unhealthy_after && Clock::now() - terminated < kWindow) {
      if (http(server, "GET", "/healthz").first == 503) {
        unhealthy_after = Clock::now() - terminated;
      } else {
        std::this_thread::sleep_for(5ms);
      }
    }
    healthz_after = http(server, "GET", "/healthz").first;
    exit_code = server.wait_exit(30s);
    exit_after = Clock::now() - terminated;
    exited = true;
  });
  const bool drained = run_until(
      io, [&] { return exited.load(); }, 60s);
  stopper.join();
  ASSERT_TRUE(drained);
  ASSERT_TRUE(unhealthy_after.has_value());
  EXPECT_LE(*unhealthy_after, std::chrono::milliseconds(kWindow) / 4);
  EXPECT_EQ(healthz_after, 503);
  EXPECT_EQ(exit_code, 0);
  // The last session goes just before the window ends; then the close handshakes and the store.
  EXPECT_LE(exit_after, kWindow + 2s);

  Clock::time_point first = Clock::time_point::max();
  Clock::time_point last = Clock::time_point::min();
  for (const auto& s : subscribers) {
    ASSERT_FALSE(s->disconnects.empty()) << s->describe();
    EXPECT_TRUE(s->disconnects.front().starts_with("goaway")) << s->disconnects.front();
    EXPECT_NE(s->disconnects.front().find("1001"), std::string::npos) << s->disconnects.front();
    first = std::min(first, s->disconnect_times.front());
    last = std::max(last, s->disconnect_times.front());
  }
  // Spread over the window, not all at once.
  EXPECT_GE(last - first, kWindow / 2);

  server.start();
  EXPECT_TRUE(deliver_everything(io, publisher, subscribers, kMessages / rooms.size()));
  for (auto& s : subscribers)
    s->stop();
  publisher.stop();
  ASSERT_TRUE(publisher.all_acked_without_gaps());
  for (int i = 0; i < kClients; ++i) {
    SCOPED_TRACE("subscriber " + std::to_string(i));
    const Subscriber& s = *subscribers[static_cast<std::size_t>(i)];
    const std::string& room = rooms[static_cast<std::size_t>(i) % rooms.size()];
    EXPECT_TRUE(s.log.problems().empty()) << s.log.problems_text();
    EXPECT_TRUE(s.log.delivered(room, publisher.expected(room)));
  }
}

}  // namespace
}  // namespace herald::test
