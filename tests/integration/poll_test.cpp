// Long-poll and short-poll against a real `herald serve`, read as a plain HTTP client sees them:
// an answer at once when something is newer than the cursor, a held poll answered by the first
// message or at the end of its wait, ETag and 304, thousands of messages in order across polls,
// exact resume after a dropped poll and after a crash, publishing without a stream, held polls
// answered at once on drain, and bad input.

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/write.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client_support.hpp"
#include "itest_support.hpp"
#include "ws_probe.hpp"

namespace herald::test {
namespace {

using Clock = std::chrono::steady_clock;

struct PollAnswer {
  int status = 0;
  std::string etag;
  json::object body;  // when 200
  const json::array& messages() const { return body.at("messages").as_array(); }
  const json::array& events() const { return body.at("events").as_array(); }
  std::string cursor() const { return str(body, "cursor"); }
};

PollAnswer poll(const ServerProcess& server, const std::string& target,
                const std::string& if_none_match = {}) {
  Headers headers;
  if (!if_none_match.empty()) headers.emplace_back("If-None-Match", if_none_match);
  const HttpResponse response = http_response(server, "GET", target, {}, headers);
  PollAnswer answer{static_cast<int>(response.result_int()),
                    std::string(response[boost::beast::http::field::etag]),
                    {}};
  if (answer.status == 200) answer.body = parse_object(response.body());
  return answer;
}

std::string poll_target(const std::string& rooms, const std::string& cursor, int wait) {
  return "/poll?rooms=" + rooms + "&cursor=" + cursor + "&wait=" + std::to_string(wait);
}

// Applies an answer as a client does: `joined` events first, then the messages.
void apply(const PollAnswer& answer, DeliveryLog& log) {
  for (const json::value& event : answer.events()) {
    const json::object& frame = event.as_object();
    if (str(frame, "op") == "joined") {
      log.joined(str(frame, "room"), num(frame, "from"), frame.at("recovered").as_bool());
    }
  }
  for (const json::value& msg : answer.messages())
    log.msg(msg.as_object());
}

// Polls from `cursor` until `log` holds `total` messages or the deadline passes; returns the
// cursor it ended at.
std::string poll_until(const ServerProcess& server, const std::string& rooms, std::string cursor,
                       int wait, DeliveryLog& log, std::size_t total,
                       Clock::duration limit = 120s) {
  const auto deadline = Clock::now() + limit;
  while (log.total() < total && Clock::now() < deadline) {
    const PollAnswer answer = poll(server, poll_target(rooms, cursor, wait));
    if (answer.status != 200) {
      log.problem("poll answered " + std::to_string(answer.status));
      return cursor;
    }
    apply(answer, log);
    cursor = answer.cursor();
    if (wait == 0 && answer.messages().empty()) std::this_thread::sleep_for(20ms);
  }
  return cursor;
}

// Sends a poll on a connection of its own and closes it while the poll is held.
void hang_up_on_a_poll(const ServerProcess& server, const std::string& target) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::address_v4::loopback(), server.port()});
  boost::asio::write(socket,
                     boost::asio::buffer("GET " + target + " HTTP/1.1\r\nHost: herald\r\n\r\n"));
  std::this_thread::sleep_for(200ms);
  socket.close();
}

std::string sessions_on(std::string_view transport) {
  return "herald_sessions_by_transport{transport=\"" + std::string(transport) + "\"}";
}

TEST(Poll, AnswersAtOnceWithWhatIsNewerThanTheCursorAnd304WhenNothingIs) {
  ServerProcess server;
  server.start();
  Api api(server);
  const std::vector<std::uint64_t> a = publish_many(api, "poll-a", 3);
  const std::vector<std::uint64_t> b = publish_many(api, "poll-b", 2);

  const PollAnswer first = poll(server, poll_target("poll-a,poll-b", "poll-a~0,poll-b~0", 30));
  ASSERT_EQ(first.status, 200);
  DeliveryLog log;
  apply(first, log);
  EXPECT_TRUE(log.problems().empty()) << log.problems_text();
  EXPECT_TRUE(log.delivered("poll-a", a));
  EXPECT_TRUE(log.delivered("poll-b", b));
  EXPECT_EQ(first.cursor(), "poll-a~3,poll-b~2");
  EXPECT_EQ(first.etag, "\"poll-a~3,poll-b~2\"");
  const json::object& msg = first.messages().back().as_object();
  for (const char* field : {"op", "room", "seq", "id", "data", "ts"})
    EXPECT_TRUE(msg.contains(field)) << field << " missing in " << json::serialize(msg);

  // Short-poll: nothing new is an empty answer at once, or 304 to a client that has the tag.
  const auto asked = Clock::now();
  const PollAnswer empty = poll(server, poll_target("poll-a,poll-b", first.cursor(), 0));
  EXPECT_LT(Clock::now() - asked, 5s);  // far from the 30 s a held poll would take
  ASSERT_EQ(empty.status, 200);
  EXPECT_TRUE(empty.messages().empty());
  EXPECT_EQ(empty.cursor(), first.cursor());
  EXPECT_EQ(poll(server, poll_target("poll-a,poll-b", first.cursor(), 0), first.etag).status, 304);

  publish_many(api, "poll-b", 1, b);
  const PollAnswer changed =
      poll(server, poll_target("poll-a,poll-b", first.cursor(), 0), first.etag);
  ASSERT_EQ(changed.status, 200);
  ASSERT_EQ(changed.messages().size(), 1u);
  EXPECT_EQ(changed.etag, "\"poll-a~3,poll-b~3\"");
}

TEST(Poll, AHeldPollIsAnsweredByTheFirstMessageOrAtTheEndOfItsWait) {
  ServerProcess server;
  server.start();
  Api api(server);

  // No cursor: live messages only; the answer at the end of the wait says where the rooms stand.
  const auto asked = Clock::now();
  const PollAnswer idle = poll(server, "/poll?rooms=held-a,held-b&wait=1");
  const auto waited = Clock::now() - asked;
  ASSERT_EQ(idle.status, 200);
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 5s);
  EXPECT_TRUE(idle.messages().empty());
  EXPECT_EQ(idle.cursor(), "held-a~0,held-b~0");

  std::atomic<bool> answered = false;
  PollAnswer held;
  std::thread poller([&] {
    held = poll(server, poll_target("held-a,held-b", idle.cursor(), 20));
    answered = true;
  });
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(answered.load()) << "nothing was newer than the cursor";
  EXPECT_EQ(metric(server, sessions_on("longpoll")), 1);
  const auto published = Clock::now();
  publish_many(api, "held-b", 1);
  poller.join();
  EXPECT_LT(Clock::now() - published, 3s);
  ASSERT_EQ(held.status, 200);
  ASSERT_EQ(held.messages().size(), 1u);
  EXPECT_EQ(str(held.messages()[0].as_object(), "room"), "held-b");
  EXPECT_EQ(held.cursor(), "held-a~0,held-b~1");
  EXPECT_EQ(metric(server, sessions_on("longpoll")), 0);
}

TEST(Poll, ManyPollersInSeveralRoomsGetEveryMessageInOrder) {
  constexpr int kMessages = 5000;
  const std::vector<std::string> rooms = {"poll-many-0", "poll-many-1", "poll-many-2",
                                          "poll-many-3"};
  ServerProcess server;
  server.start();
  boost::asio::io_context io;
  TrackedPublisher publisher(io, server.ws_url(), rooms, kMessages, 50);

  // Half long-poll, half short-poll; each in two rooms from their first message on.
  constexpr std::size_t kPollers = 8;
  std::vector<std::unique_ptr<DeliveryLog>> logs;
  std::vector<std::thread> pollers;
  for (std::size_t i = 0; i < kPollers; ++i) {
    logs.push_back(std::make_unique<DeliveryLog>());
    const std::string pair = rooms[i % 4] + "," + rooms[(i + 1) % 4];
    const std::string cursor = rooms[i % 4] + "~0," + rooms[(i + 1) % 4] + "~0";
    pollers.emplace_back([&server, pair, cursor, wait = i % 2 == 0 ? 10 : 0, &log = *logs[i]] {
      poll_until(server, pair, cursor, wait, log, kMessages / 2);
    });
  }
  publisher.start();
  ASSERT_TRUE(run_until(
      io, [&] { return publisher.done(); }, 120s))
      << publisher.acked() << " acked";
  publisher.stop();
  for (auto& poller : pollers)
    poller.join();
  ASSERT_TRUE(publisher.all_acked_without_gaps());
  for (std::size_t i = 0; i < kPollers; ++i) {
    SCOPED_TRACE("poller " + std::to_string(i));
    EXPECT_TRUE(logs[i]->problems().empty()) << logs[i]->problems_text();
    for (const std::string& room : {rooms[i % 4], rooms[(i + 1) % 4]})
      EXPECT_TRUE(logs[i]->delivered(room, publisher.expected(room)));
  }
}

TEST(Poll, ResumesExactlyAfterADroppedPollAndAfterACrash) {
  ServerProcess server;
  server.start();
  DeliveryLog log;
  std::vector<std::uint64_t> expected;
  std::string cursor;
  {
    Api api(server);
    expected = publish_many(api, "poll-crash", 5);
    cursor = poll_until(server, "poll-crash", "poll-crash~0", 0, log, 5, 10s);
    ASSERT_EQ(log.total(), 5u) << log.problems_text();

    // A client that hangs up on a held poll loses nothing: its cursor did not move.
    hang_up_on_a_poll(server, poll_target("poll-crash", cursor, 20));
    expected = publish_many(api, "poll-crash", 5, expected);
  }
  server.kill9();
  server.start();
  Api restarted(server);
  expected = publish_many(restarted, "poll-crash", 5, expected);
  poll_until(server, "poll-crash", cursor, 10, log, 15, 20s);
  EXPECT_TRUE(log.problems().empty()) << log.problems_text();
  EXPECT_TRUE(log.delivered("poll-crash", expected));
}

TEST(Poll, APollerPublishesThroughSendWithoutASession) {
  ServerProcess server;
  server.start();
  const std::string body = R"({"op":"publish","room":"poll-send","id":"p-1","data":{"n":1}})";
  const auto [status, answer] = http(server, "POST", "/send", body);
  ASSERT_EQ(status, 200) << answer;
  const json::array frames = parse_object(answer).at("frames").as_array();
  ASSERT_EQ(frames.size(), 1u) << answer;
  EXPECT_EQ(str(frames[0].as_object(), "op"), "ack") << answer;
  EXPECT_EQ(num(frames[0].as_object(), "seq"), 1) << answer;

  const PollAnswer polled = poll(server, poll_target("poll-send", "poll-send~0", 0));
  ASSERT_EQ(polled.status, 200);
  ASSERT_EQ(polled.messages().size(), 1u);
  EXPECT_EQ(str(polled.messages()[0].as_object(), "id"), "p-1");
}

TEST(Poll, DrainingAnswersHeldPollsAtOnce) {
  ServerProcess server({"--drain-window", "10"});
  server.start();
  WsProbe websocket(server.port());  // a session that keeps the drain going for its window
  websocket.send(R"({"op":"hello","client":"probe"})");
  ASSERT_TRUE(websocket.next().has_value());
  PollAnswer held;
  std::thread poller([&] { held = poll(server, "/poll?rooms=drain-poll&wait=30"); });
  std::this_thread::sleep_for(500ms);
  const auto terminated = Clock::now();
  server.terminate();
  poller.join();
  EXPECT_LT(Clock::now() - terminated, 3s);
  ASSERT_EQ(held.status, 200);
  const json::array& events = held.events();
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(str(events[events.size() - 2].as_object(), "op"), "goaway");
  EXPECT_EQ(str(events.back().as_object(), "op"), "close");
  EXPECT_EQ(num(events.back().as_object(), "code"), 1001);
  EXPECT_EQ(poll(server, "/poll?rooms=drain-poll&wait=30").status, 503);
}

TEST(Poll, BadRequestsAreAnsweredWithJsonErrors) {
  ServerProcess server({"--polls-per-address", "2"});
  server.start();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/poll", "bad_room"},
      {"/poll?rooms=bad%20room", "bad_room"},
      {"/poll?rooms=a&cursor=a~x", "bad_cursor"},
      {"/poll?rooms=a&wait=soon", "bad_frame"},
  };
  for (const auto& [target, code] : cases) {
    const auto [status, body] = http(server, "GET", target);
    EXPECT_EQ(status, 400) << target;
    EXPECT_EQ(str(parse_object(body), "error"), code) << target << ": " << body;
  }
  EXPECT_EQ(metric(server, protocol_errors_series("bad_cursor")), 1);

  // Two held polls from this address are all it may have; a third is refused at once.
  std::vector<std::thread> held;
  for (int i = 0; i < 2; ++i)
    held.emplace_back([&server] { poll(server, "/poll?rooms=a&wait=3"); });
  std::this_thread::sleep_for(500ms);
  const auto [status, body] = http(server, "GET", "/poll?rooms=a&wait=3");
  EXPECT_EQ(status, 429);
  EXPECT_EQ(str(parse_object(body), "error"), "too_many_polls") << body;
  EXPECT_EQ(metric(server, protocol_errors_series("too_many_polls")), 1);
  for (auto& thread : held)
    thread.join();
  EXPECT_EQ(poll(server, "/poll?rooms=a&wait=0").status, 200);
}

TEST(Poll, AnEdgeWithoutLongPollAnswersEveryPollAtOnce) {
  ServerProcess server({"--transports", "websocket,poll"});
  server.start();
  const auto asked = Clock::now();
  EXPECT_EQ(poll(server, "/poll?rooms=a&wait=30").status, 200);
  EXPECT_LT(Clock::now() - asked, 5s);
}

}  // namespace
}  // namespace herald::test
