// Fan-out at scale: every member of every room gets every message, once, in seq order, with the
// data that was acknowledged for its seq.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>

#include "client_support.hpp"
#include "itest_support.hpp"
#include "server_process.hpp"
#include "ws_probe.hpp"

namespace herald::test {
namespace {

constexpr int kClients = 50;
constexpr int kRooms = 10;
constexpr int kMessages = 10'000;
// Published in bursts, the next once the previous one is acked: bursts let the server coalesce
// frames, which keeps this test affordable under ASan in a Debug build.
constexpr int kBurst = 1000;
constexpr int kProbes = 2;  // raw clients that check the wire itself, not the client library

std::string room_name(int room) {
  return "d-" + std::to_string(room);
}

// A raw WebSocket member of every room: the client library repairs gaps and drops duplicates,
// so only a raw reader shows that the server itself sends `joined` first and seqs in order.
void run_probe(unsigned short port, DeliveryLog& log, std::atomic<int>& ready) {
  try {
    WsProbe probe(port);
    probe.hello();
    for (int room = 0; room < kRooms; ++room) {
      const json::object joined = probe.join(room_name(room));
      log.joined(str(joined, "room"), num(joined, "from"), joined.at("recovered").as_bool());
    }
    ++ready;
    while (log.total() < static_cast<std::size_t>(kMessages)) {
      const auto frame = probe.next();
      if (!frame)
        return log.problem("probe stopped after " + std::to_string(log.total()) +
                           " messages: " + probe.error());
      if (str(*frame, "op") != "msg") return log.problem("unexpected " + json::serialize(*frame));
      log.msg(*frame);
    }
  } catch (const std::exception& e) {
    log.problem(std::string("probe: ") + e.what());
    ++ready;
  }
}

TEST(Delivery, FiftyClientsInTenRoomsGetTenThousandMessagesInOrder) {
  // Loose limits: this test is about delivery, not about the limits. `normal` sync still
  // survives a process crash and keeps the test quick under ASan.
  ServerProcess server({"--publish-rate", "1000000", "--publish-burst", "1000000",
                        "--outbound-queue-bytes", "268435456", "--store-sync", "normal"});
  server.start();
  std::vector<std::string> rooms;
  for (int room = 0; room < kRooms; ++room)
    rooms.push_back(room_name(room));

  boost::asio::io_context io;
  std::vector<std::unique_ptr<Subscriber>> clients;
  for (int i = 0; i < kClients; ++i)
    clients.push_back(std::make_unique<Subscriber>(io, server.ws_url(), rooms));
  std::vector<DeliveryLog> probe_logs(kProbes);
  std::atomic<int> probes_ready = 0;
  std::vector<std::thread> probes;
  for (int i = 0; i < kProbes; ++i) {
    probes.emplace_back(run_probe, server.port(), std::ref(probe_logs[i]), std::ref(probes_ready));
  }
  const auto all_joined = [&] {
    return std::all_of(clients.begin(), clients.end(),
                       [](const auto& client) { return client->joins >= kRooms; });
  };
  ASSERT_TRUE(run_until(io, all_joined)) << "not every client got its 10 `joined` within 60 s";
  ASSERT_TRUE(eventually([&] { return probes_ready == kProbes; })) << "probes did not join";

  TrackedPublisher publisher(io, server.ws_url(), rooms, kMessages, kBurst, /*bursts=*/true);
  publisher.start();
  const auto delivery = deliver_everything(io, publisher, clients, kMessages);
  for (auto& probe : probes)
    probe.join();
  EXPECT_TRUE(delivery);
  for (auto& client : clients)
    client->stop();
  publisher.stop();

  ASSERT_TRUE(publisher.all_acked_without_gaps());
  for (int i = 0; i < kClients; ++i) {
    SCOPED_TRACE("client " + std::to_string(i));
    const Subscriber& client = *clients[i];
    EXPECT_TRUE(client.log.problems().empty()) << client.log.problems_text();
    EXPECT_EQ(client.joins, kRooms)
        << "a re-join means the client saw a gap or lost its connection";
    EXPECT_TRUE(client.disconnects.empty()) << client.disconnects.front();
    for (const std::string& room : rooms)
      EXPECT_TRUE(client.log.delivered(room, publisher.expected(room)));
  }
  for (int i = 0; i < kProbes; ++i) {
    SCOPED_TRACE("raw probe " + std::to_string(i));
    EXPECT_TRUE(probe_logs[i].problems().empty()) << probe_logs[i].problems_text();
    for (const std::string& room : rooms)
      EXPECT_TRUE(probe_logs[i].delivered(room, publisher.expected(room)));
  }
  EXPECT_TRUE(healthy(server));
}

}  // namespace
}  // namespace herald::test
