// Server-Sent Events against a real `herald serve`, read as a proxy or curl sees them: the
// documented event format, exact resume from Last-Event-ID (after a dropped stream and after a
// crash), thousands of messages in order, POST /send, keepalive comments, draining, bad input,
// and /negotiate.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "client_support.hpp"
#include "itest_support.hpp"
#include "sse_reader.hpp"

namespace herald::test {
namespace {

// Feeds the stream's `joined` and `msg` events to `log`, as a client would apply them.
void log_events(SseReader& reader, DeliveryLog& log) {
  reader.on_event = [&log](const SseEvent& event) {
    const json::object frame = parse_object(event.data);
    if (event.event == "joined") {
      log.joined(str(frame, "room"), num(frame, "from"), frame.at("recovered").as_bool());
    } else if (event.event.empty()) {
      log.msg(frame);
    }
  };
}

std::size_t count_named(const SseReader& reader, std::string_view name) {
  return static_cast<std::size_t>(
      std::count_if(reader.events.begin(), reader.events.end(),
                    [name](const SseEvent& event) { return event.event == name; }));
}

// Opens a stream of `rooms` (comma-separated) that feeds `log`, and waits for every `joined`.
std::shared_ptr<SseReader> open_joined(boost::asio::io_context& io, const ServerProcess& server,
                                       const std::string& rooms, DeliveryLog& log) {
  auto reader = SseReader::open(io, server.port(), "/sse?rooms=" + rooms);
  log_events(*reader, log);
  const auto count = static_cast<std::size_t>(std::count(rooms.begin(), rooms.end(), ',') + 1);
  EXPECT_TRUE(run_until(io, [&] { return count_named(*reader, "joined") == count; }));
  return reader;
}

std::string sessions_on(std::string_view transport) {
  return "herald_sessions_by_transport{transport=\"" + std::string(transport) + "\"}";
}

TEST(Sse, EventsCarryMsgFramesAndACursorThatResumesExactly) {
  ServerProcess server;
  server.start();
  Api api(server);
  boost::asio::io_context io;
  DeliveryLog log;
  auto reader = open_joined(io, server, "sse-a,sse-b", log);
  ASSERT_FALSE(HasFailure());

  EXPECT_NE(reader->header.find("HTTP/1.1 200"), std::string::npos) << reader->header;
  EXPECT_NE(reader->header.find("Content-Type: text/event-stream"), std::string::npos);
  EXPECT_NE(reader->header.find("Cache-Control: no-cache"), std::string::npos);
  EXPECT_NE(reader->header.find("X-Accel-Buffering: no"), std::string::npos);
  EXPECT_EQ(reader->retry, "1000");
  ASSERT_EQ(reader->events.front().event, "welcome");
  EXPECT_EQ(str(parse_object(reader->events.front().data), "session").size(), 32u);
  EXPECT_EQ(metric(server, sessions_on("sse")), 1);

  std::vector<std::uint64_t> a = publish_many(api, "sse-a", 3);
  std::vector<std::uint64_t> b = publish_many(api, "sse-b", 2);
  ASSERT_TRUE(run_until(io, [&] { return log.total() == 5; })) << log.problems_text();
  const SseEvent& last = reader->events.back();
  EXPECT_TRUE(last.event.empty()) << "msg events are unnamed, so onmessage gets them";
  const json::object msg = parse_object(last.data);
  for (const char* field : {"op", "room", "seq", "id", "data", "ts"})
    EXPECT_TRUE(msg.contains(field)) << field << " missing in " << last.data;
  EXPECT_EQ(str(msg, "op"), "msg");
  EXPECT_EQ(last.id, "sse-a~3,sse-b~2");

  reader->close();
  a = publish_many(api, "sse-a", 2, a);
  b = publish_many(api, "sse-b", 1, b);
  auto resumed = SseReader::open(io, server.port(), "/sse?rooms=sse-a,sse-b",
                                 {"Last-Event-ID: " + reader->last_id});
  log_events(*resumed, log);
  ASSERT_TRUE(run_until(io, [&] { return log.total() == 8; })) << log.problems_text();
  io.run_for(300ms);  // nothing more may come
  EXPECT_TRUE(log.problems().empty()) << log.problems_text();
  EXPECT_TRUE(log.delivered("sse-a", a));
  EXPECT_TRUE(log.delivered("sse-b", b));
  EXPECT_EQ(resumed->last_id, "sse-a~5,sse-b~3");
}

TEST(Sse, ManyStreamsInSeveralRoomsGetEveryMessageInOrder) {
  constexpr int kMessages = 5000;
  const std::vector<std::string> rooms = {"sse-many-0", "sse-many-1", "sse-many-2", "sse-many-3"};
  ServerProcess server;
  server.start();
  boost::asio::io_context io;
  std::vector<std::shared_ptr<SseReader>> readers;
  std::vector<std::unique_ptr<DeliveryLog>> logs;
  for (std::size_t i = 0; i < 8; ++i) {
    const std::string pair = rooms[i % 4] + "," + rooms[(i + 1) % 4];
    readers.push_back(SseReader::open(io, server.port(), "/sse?rooms=" + pair));
    logs.push_back(std::make_unique<DeliveryLog>());
    log_events(*readers.back(), *logs.back());
  }
  ASSERT_TRUE(run_until(io, [&] {
    return std::all_of(readers.begin(), readers.end(),
                       [](const auto& r) { return count_named(*r, "joined") == 2; });
  }));

  TrackedPublisher publisher(io, server.ws_url(), rooms, kMessages, 50);
  publisher.start();
  const auto delivered = [&] {
    std::size_t total = 0;
    for (const auto& log : logs)
      total += log->total();
    return total;
  };
  const std::size_t expected = readers.size() * kMessages / 2;
  ASSERT_TRUE(run_while_progressing(
      io, [&] { return publisher.done() && delivered() == expected; },
      [&] { return delivered() + static_cast<std::size_t>(publisher.acked()); }))
      << delivered() << " of " << expected << " delivered, " << publisher.acked() << " acked";
  publisher.stop();
  ASSERT_TRUE(publisher.all_acked_without_gaps());
  for (std::size_t i = 0; i < readers.size(); ++i) {
    SCOPED_TRACE("reader " + std::to_string(i));
    EXPECT_TRUE(logs[i]->problems().empty()) << logs[i]->problems_text();
    for (const std::string& room : {rooms[i % 4], rooms[(i + 1) % 4]})
      EXPECT_TRUE(logs[i]->delivered(room, publisher.expected(room)));
  }
}

TEST(Sse, ResumesExactlyAfterAServerCrash) {
  ServerProcess server;
  server.start();
  Api api(server);
  boost::asio::io_context io;
  DeliveryLog log;
  auto reader = open_joined(io, server, "sse-crash", log);
  ASSERT_FALSE(HasFailure());
  std::vector<std::uint64_t> expected = publish_many(api, "sse-crash", 10);
  ASSERT_TRUE(run_until(io, [&] { return log.total() == 10; })) << log.problems_text();

  server.kill9();
  ASSERT_TRUE(run_until(io, [&] { return reader->ended; }));
  server.start();
  Api restarted(server);
  expected = publish_many(restarted, "sse-crash", 10, expected);
  auto resumed =
      SseReader::open(io, server.port(), "/sse?rooms=sse-crash&cursor=" + reader->last_id);
  log_events(*resumed, log);
  ASSERT_TRUE(run_until(io, [&] { return log.total() == 20; })) << log.problems_text();
  EXPECT_TRUE(log.problems().empty()) << log.problems_text();
  EXPECT_TRUE(log.delivered("sse-crash", expected));
}

TEST(Sse, SendSpeaksForTheStreamsSession) {
  ServerProcess server;
  server.start();
  boost::asio::io_context io;
  DeliveryLog log;
  auto reader = open_joined(io, server, "sse-send", log);
  ASSERT_FALSE(HasFailure());
  const std::string session = str(parse_object(reader->events.front().data), "session");

  const std::string body = R"({"op":"publish","room":"sse-send","id":"s-1","data":{"text":"hi"}})"
                           "\n"
                           R"({"op":"join","room":"bad room"})";
  const auto [status, answer] = http(server, "POST", "/send?session=" + session, body);
  ASSERT_EQ(status, 200) << answer;
  const json::array frames = parse_object(answer).at("frames").as_array();
  ASSERT_EQ(frames.size(), 2u) << answer;
  // The refused join is answered at once; the ack once the message is stored.
  EXPECT_EQ(str(frames[0].as_object(), "code"), "bad_room") << answer;
  EXPECT_EQ(str(frames[1].as_object(), "op"), "ack") << answer;
  EXPECT_EQ(num(frames[1].as_object(), "seq"), 1) << answer;
  ASSERT_TRUE(run_until(io, [&] { return log.total() == 1; })) << log.problems_text();

  const auto [missing, why] = http(server, "POST", "/send?session=0123", body);
  EXPECT_EQ(missing, 404);
  EXPECT_EQ(str(parse_object(why), "error"), "unknown_session");
  EXPECT_EQ(metric(server, protocol_errors_series("unknown_session")), 1);
}

TEST(Sse, AStreamThatNamesItsUserIsPresentInItsRooms) {
  ServerProcess server;
  server.start();
  boost::asio::io_context io;
  DeliveryLog log;
  auto alice = open_joined(io, server, "sse-who&user=alice", log);
  ASSERT_FALSE(HasFailure());
  // A join reaches the list when the presence window that batches it closes.
  std::string listed;
  EXPECT_TRUE(eventually(
      [&] {
        listed = http(server, "GET", "/api/presence?room=sse-who", {},
                      {{"Authorization", "Bearer " + server.api_key()}})
                     .second;
        const json::object presence = parse_object(listed);
        const json::array& members = presence.at("members").as_array();
        return members.size() == 1 && str(members[0].as_object(), "user") == "alice";
      },
      10s))
      << listed;

  const auto [refused, why] = http(server, "GET", "/sse?rooms=sse-who&user=not%20a%20user");
  EXPECT_EQ(refused, 400);
  EXPECT_EQ(str(parse_object(why), "error"), "bad_frame") << why;
}

TEST(Sse, BadRequestsAreAnsweredWithJsonErrors) {
  ServerProcess server;
  server.start();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/sse", "bad_room"},
      {"/sse?rooms=bad%20room", "bad_room"},
      {"/sse?rooms=a,a", "bad_room"},
      {"/sse?rooms=a&cursor=a~x", "bad_cursor"},
      {"/sse?rooms=a&cursor=a~1,", "bad_cursor"},
  };
  for (const auto& [target, code] : cases) {
    const auto [status, body] = http(server, "GET", target);
    EXPECT_EQ(status, 400) << target;
    EXPECT_EQ(str(parse_object(body), "error"), code) << target << ": " << body;
  }
  EXPECT_EQ(metric(server, protocol_errors_series("bad_cursor")), 2);
  EXPECT_EQ(metric(server, protocol_errors_series("bad_room")), 3);
}

TEST(Sse, SilentStreamsGetKeepaliveComments) {
  ServerProcess server({"--stream-keepalive", "1"});
  server.start();
  boost::asio::io_context io;
  auto reader = SseReader::open(io, server.port(), "/sse?rooms=sse-quiet");
  EXPECT_TRUE(run_until(
      io, [&] { return reader->comments >= 2; }, 10s));
  EXPECT_FALSE(reader->ended);
}

TEST(Sse, DrainingSendsGoawayThenEndsTheStream) {
  ServerProcess server({"--drain-window", "1"});
  server.start();
  boost::asio::io_context io;
  auto reader = SseReader::open(io, server.port(), "/sse?rooms=sse-drain");
  ASSERT_TRUE(run_until(io, [&] { return count_named(*reader, "joined") == 1; }));
  server.terminate();
  ASSERT_TRUE(run_until(io, [&] { return reader->ended; }));
  EXPECT_EQ(server.wait_exit(10s), 0);
  ASSERT_GE(reader->events.size(), 2u);
  const auto& events = reader->events;
  EXPECT_EQ(events[events.size() - 2].event, "goaway");
  EXPECT_EQ(events.back().event, "close");
  EXPECT_EQ(num(parse_object(events.back().data), "code"), 1001);
}

TEST(Negotiate, ListsTheOfferedTransportsInOrder) {
  ServerProcess server;
  server.start();
  const auto [status, body] = http(server, "GET", "/negotiate");
  ASSERT_EQ(status, 200);
  const json::object offer = parse_object(body);
  const json::array& transports = offer.at("transports").as_array();
  ASSERT_EQ(transports.size(), 4u) << body;
  EXPECT_EQ(str(transports[0].as_object(), "name"), "websocket");
  EXPECT_EQ(str(transports[0].as_object(), "path"), "/ws");
  EXPECT_EQ(str(transports[1].as_object(), "name"), "sse");
  EXPECT_EQ(str(transports[1].as_object(), "path"), "/sse");
  EXPECT_EQ(str(transports[2].as_object(), "name"), "longpoll");
  EXPECT_EQ(str(transports[2].as_object(), "path"), "/poll");
  EXPECT_EQ(num(transports[2].as_object(), "wait"), 30);
  EXPECT_EQ(str(transports[3].as_object(), "name"), "poll");
  EXPECT_EQ(num(transports[3].as_object(), "wait"), 0);
  EXPECT_EQ(num(offer, "ping_interval_ms"), 25000);
  EXPECT_EQ(num(offer, "stream_keepalive_ms"), 15000);
  EXPECT_EQ(num(offer, "heartbeat_ms"), 30000);
}

TEST(Negotiate, ADisabledTransportIsNeitherOfferedNorServed) {
  ServerProcess server({"--transports", "websocket"});
  server.start();
  const json::object offer = parse_object(http(server, "GET", "/negotiate").second);
  ASSERT_EQ(offer.at("transports").as_array().size(), 1u);
  EXPECT_EQ(http(server, "GET", "/sse?rooms=a").first, 404);
  EXPECT_EQ(http(server, "GET", "/poll?rooms=a&wait=0").first, 404);
}

}  // namespace
}  // namespace herald::test
