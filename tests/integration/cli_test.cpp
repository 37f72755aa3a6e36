// The README tour with the real `herald` binary: `sub` prints what `pub` publishes, one JSON line
// per message, and `pub` prints the ack; and `plan`, the sizing example of docs/performance.md.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "itest_support.hpp"
#include "server_process.hpp"

namespace herald::test {
namespace {

// Runs `herald pub ROOM DATA --url URL` to completion; expects exit code 0 and one ack line.
json::object pub(const ServerProcess& server, const std::string& room, const std::string& data) {
  ChildProcess pub({HERALD_BINARY, "pub", room, data, "--url", server.ws_url()});
  const std::optional<int> code = pub.wait();
  EXPECT_EQ(code, 0) << "herald pub " << room << " " << data << " (nullopt: still running after "
                     << "60 s); stderr: " << pub.err();
  const std::vector<std::string> lines = pub.out_lines();
  if (lines.size() != 1) {
    ADD_FAILURE() << "herald pub printed " << lines.size() << " lines: " << pub.out();
    return {};
  }
  return parse_object(lines.front());
}

// Starts `herald sub ROOM... args` and waits until it has joined every room (it says so on
// stderr), so that nothing published afterwards can be missed.
std::unique_ptr<ChildProcess> sub(const ServerProcess& server,
                                  const std::vector<std::string>& rooms,
                                  const std::vector<std::string>& args) {
  std::vector<std::string> argv = {HERALD_BINARY, "sub"};
  argv.insert(argv.end(), rooms.begin(), rooms.end());
  argv.insert(argv.end(), {"--url", server.ws_url()});
  argv.insert(argv.end(), args.begin(), args.end());
  auto child = std::make_unique<ChildProcess>(argv);
  const bool joined = eventually([&] {
    const std::string err = child->err();
    for (const std::string& room : rooms) {
      if (err.find("joined " + room + " ") == std::string::npos) return false;
    }
    return true;
  });
  EXPECT_TRUE(joined) << "herald sub did not report joining within 60 s; stderr: " << child->err();
  return child;
}

TEST(Cli, SubPrintsWhatPubPublishes) {
  ServerProcess server;
  server.start();
  const std::string room = "cli-demo";
  auto subscriber = sub(server, {room}, {"--count", "3"});

  std::vector<json::object> acks;
  for (int n = 1; n <= 3; ++n) {
    const json::object ack = pub(server, room, R"({"n":)" + std::to_string(n) + "}");
    SCOPED_TRACE(json::serialize(ack));
    EXPECT_EQ(str(ack, "op"), "ack");
    EXPECT_EQ(str(ack, "room"), room);
    EXPECT_EQ(num(ack, "seq"), n);
    EXPECT_FALSE(str(ack, "id").empty());
    EXPECT_FALSE(ack.at("duplicate").as_bool());
    acks.push_back(ack);
  }

  EXPECT_EQ(subscriber->wait(), 0) << "herald sub --count 3 (nullopt: still running after 60 s); "
                                   << "stderr: " << subscriber->err();
  const std::vector<std::string> lines = subscriber->out_lines();
  ASSERT_EQ(lines.size(), 3u) << subscriber->out();
  for (int n = 1; n <= 3; ++n) {
    const json::object msg = parse_object(lines[n - 1]);
    SCOPED_TRACE(lines[n - 1]);
    EXPECT_EQ(str(msg, "op"), "msg");
    EXPECT_EQ(str(msg, "room"), room);
    EXPECT_EQ(num(msg, "seq"), n);
    EXPECT_EQ(str(msg, "id"), str(acks[n - 1], "id"));
    EXPECT_EQ(msg.at("data"), (json::value{{"n", n}}));
    EXPECT_GT(num(msg, "ts"), 0);
  }
}

TEST(Cli, SubSinceResumesAndPubTakesPlainTextAndIds) {
  ServerProcess server;
  server.start();
  const std::string room = "cli-resume";
  // Plain text is published as a JSON string; --id makes a retry idempotent.
  const json::object first = pub(server, room, "hello");
  const json::object second = pub(server, room, R"({"text":"second"})");
  const json::object retry = pub(server, room, R"({"text":"second"})");  // new random id
  EXPECT_EQ(num(retry, "seq"), 3) << json::serialize(retry);
  ChildProcess keyed(
      {HERALD_BINARY, "pub", room, "42", "--id", "cli-17", "--url", server.ws_url()});
  ChildProcess keyed_again(
      {HERALD_BINARY, "pub", room, "42", "--id", "cli-17", "--url", server.ws_url()});
  EXPECT_EQ(keyed.wait(), 0) << keyed.err();
  EXPECT_EQ(keyed_again.wait(), 0) << keyed_again.err();
  ASSERT_EQ(keyed.out_lines().size(), 1u) << keyed.out();
  ASSERT_EQ(keyed_again.out_lines().size(), 1u) << keyed_again.out();
  const json::object a = parse_object(keyed.out_lines().front());
  const json::object b = parse_object(keyed_again.out_lines().front());
  EXPECT_EQ(num(a, "seq"), 4) << json::serialize(a);
  EXPECT_EQ(num(b, "seq"), 4) << json::serialize(b);
  EXPECT_NE(a.at("duplicate").as_bool(), b.at("duplicate").as_bool())
      << "one of the two publishes with --id cli-17 must be the duplicate";

  // `sub --since 1` prints what came after seq 1, then exits after --count.
  auto subscriber = sub(server, {room}, {"--since", "1", "--count", "3"});
  EXPECT_EQ(subscriber->wait(), 0) << subscriber->err();
  const std::vector<std::string> lines = subscriber->out_lines();
  ASSERT_EQ(lines.size(), 3u) << subscriber->out();
  const std::vector<json::object> msgs = {parse_object(lines[0]), parse_object(lines[1]),
                                          parse_object(lines[2])};
  EXPECT_EQ(num(msgs[0], "seq"), 2);
  EXPECT_EQ(str(msgs[0], "id"), str(second, "id"));
  EXPECT_EQ(num(msgs[1], "seq"), 3);
  EXPECT_EQ(num(msgs[2], "seq"), 4);
  EXPECT_EQ(msgs[2].at("data"), json::value(42));
  EXPECT_EQ(str(msgs[2], "id"), "cli-17");

  Api api(server);
  const Api::History history = api.history(room);
  ASSERT_EQ(history.messages.size(), 4u);
  EXPECT_EQ(history.messages[0].at("data"), json::value("hello"));
  EXPECT_EQ(str(history.messages[0], "id"), str(first, "id"));
}

// `sub --transport sse` follows the room over an event stream, and says so.
TEST(Cli, SubOverSsePrintsWhatPubPublishes) {
  ServerProcess server;
  server.start();
  const std::string room = "cli-sse";
  auto subscriber = sub(server, {room}, {"--transport", "sse", "--count", "2"});
  const json::object first = pub(server, room, R"({"n":1})");
  const json::object second = pub(server, room, R"({"n":2})");

  EXPECT_EQ(subscriber->wait(), 0) << subscriber->err();
  EXPECT_NE(subscriber->err().find("connected over sse"), std::string::npos) << subscriber->err();
  const std::vector<std::string> lines = subscriber->out_lines();
  ASSERT_EQ(lines.size(), 2u) << subscriber->out();
  EXPECT_EQ(str(parse_object(lines[0]), "id"), str(first, "id"));
  EXPECT_EQ(str(parse_object(lines[1]), "id"), str(second, "id"));
  EXPECT_EQ(num(parse_object(lines[1]), "seq"), 2);
}

// `herald plan` needs no server: the 10M-user example of docs/performance.md, at the defaults.
TEST(Cli, PlanSizesAFleetForTenMillionUsers) {
  ChildProcess plan({HERALD_BINARY, "plan", "--dau", "10000000", "--peak-online", "0.3", "--json"});
  ASSERT_EQ(plan.wait(), 0) << plan.err();
  const std::vector<std::string> lines = plan.out_lines();
  ASSERT_EQ(lines.size(), 1u) << plan.out();
  const json::object figures = parse_object(lines.front());
  SCOPED_TRACE(lines.front());
  EXPECT_EQ(num(figures, "peak_concurrent"), 3'000'000);
  EXPECT_EQ(num(figures, "provisioned"), 4'000'000);
  EXPECT_EQ(num(figures, "memory_per_connection_bytes"), 1'600 + 4'096);
  EXPECT_EQ(num(figures, "per_edge_by_memory"), 3'016'128);
  EXPECT_EQ(num(figures, "per_edge"), 1'000'000);
  EXPECT_EQ(str(figures, "bound"), "cap");
  EXPECT_EQ(num(figures, "edges"), 4);
  EXPECT_EQ(num(figures, "per_edge_at_peak"), 750'000);
}

// A fraction above 1 is refused like any bad flag: CLI11's validation exit code, the flag named.
TEST(Cli, PlanRefusesAPeakAboveEveryone) {
  ChildProcess plan({HERALD_BINARY, "plan", "--dau", "10000000", "--peak-online", "1.5"});
  constexpr int kValidationError = 105;  // CLI::ExitCodes::ValidationError
  EXPECT_EQ(plan.wait(), kValidationError) << plan.err();
  EXPECT_NE(plan.err().find("--peak-online: expected a fraction above 0 and at most 1, got 1.5"),
            std::string::npos)
      << plan.err();
  EXPECT_EQ(plan.out(), "");
}

}  // namespace
}  // namespace herald::test
