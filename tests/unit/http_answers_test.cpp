// The HTTP transports' answers as frames, and the pieces a request is made of.

#include "client/http_answers.hpp"

#include <gtest/gtest.h>

#include "client/link.hpp"
#include "client/server_address.hpp"
#include "client/transport.hpp"

namespace herald::client {
namespace {

TEST(PollAnswer, EventsThenMessagesAsFramesWithTheCursor) {
  const auto answer = parse_poll_answer(
      R"({"messages":[{"op":"msg","room":"a","seq":5}],)"
      R"("events":[{"op":"joined","room":"a","seq":5,"from":5}],"cursor":"a~5"})");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->events,
            std::vector<std::string>{R"({"op":"joined","room":"a","seq":5,"from":5})"});
  EXPECT_EQ(answer->messages, std::vector<std::string>{R"({"op":"msg","room":"a","seq":5})"});
  EXPECT_EQ(answer->cursor, "a~5");
  EXPECT_FALSE(answer->goaway);
  EXPECT_TRUE(answer->news);
}

TEST(PollAnswer, OnlyJoinedEventsAreNoNews) {
  const auto answer = parse_poll_answer(
      R"({"messages":[],"events":[{"op":"joined","room":"a","seq":5,"from":6}],"cursor":"a~5"})");
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->news);
}

TEST(PollAnswer, AGoawayEventIsNoticed) {
  const auto answer = parse_poll_answer(
      R"({"messages":[],"events":[{"reconnect_ms":50,"op":"goaway"}],"cursor":""})");
  ASSERT_TRUE(answer);
  EXPECT_TRUE(answer->goaway);
  EXPECT_TRUE(answer->news);
}

TEST(PollAnswer, MalformedBodiesAreRefused) {
  for (const char* body : {"", "[]", "{", R"({"messages":{}})", R"({"messages":[1]})",
                           R"({"cursor":7})", R"({"events":["x"]})"}) {
    EXPECT_FALSE(parse_poll_answer(body)) << body;
  }
  EXPECT_TRUE(parse_poll_answer("{}"));
  // 1e1000 reads as infinity, which would be handed on as `Infinity`: not JSON.
  EXPECT_FALSE(parse_poll_answer(R"({"messages":[{"op":"msg","data":[1e1000]}]})"));
}

TEST(SendAnswer, FramesInOrder) {
  const auto frames = parse_send_answer(
      R"({"frames":[{"op":"ack","id":"1","seq":1},{"op":"error","code":"bad_room"}]})");
  ASSERT_TRUE(frames);
  EXPECT_EQ(*frames, (std::vector<std::string>{R"({"op":"ack","id":"1","seq":1})",
                                               R"({"op":"error","code":"bad_room"})"}));
  EXPECT_FALSE(parse_send_answer("{}"));
  EXPECT_FALSE(parse_send_answer(R"({"frames":[[]]})"));
}

TEST(ErrorAnswer, BecomesAnErrorFrame) {
  EXPECT_EQ(error_answer_frame(R"({"error":"bad_cursor","reason":"malformed"})"),
            R"({"op":"error","code":"bad_cursor","reason":"malformed"})");
  EXPECT_FALSE(error_answer_frame(R"({"status":"ok"})"));
  EXPECT_FALSE(error_answer_frame("<html>"));
}

TEST(Transports, NamesAndLists) {
  EXPECT_EQ(parse_transports("ws,sse,longpoll,poll"), all_transports());
  EXPECT_EQ(parse_transports("websocket"), std::vector<Transport>{Transport::websocket});
  EXPECT_THROW(parse_transports("sse,sse"), std::invalid_argument);
  EXPECT_THROW(parse_transports("carrier-pigeon"), std::invalid_argument);
  EXPECT_THROW(parse_transports(""), std::invalid_argument);
}

TEST(ServerAddress, OneUrlNamesTheEdgeForEveryTransport) {
  const ServerAddress ws = parse_server_url("ws://127.0.0.1:8080/ws");
  EXPECT_EQ(ws.host, "127.0.0.1");
  EXPECT_EQ(ws.port, "8080");
  EXPECT_EQ(ws.target, "/ws");
  EXPECT_EQ(ws.base(), "");
  const ServerAddress http = parse_server_url("http://[::1]:9000");
  EXPECT_EQ(http.host, "::1");
  EXPECT_EQ(http.authority, "[::1]:9000");
  EXPECT_EQ(http.target, "/ws");
  EXPECT_EQ(parse_server_url("ws://edge/herald/ws").base(), "/herald");
  EXPECT_THROW(parse_server_url("https://edge"), std::invalid_argument);
}

TEST(StreamQuery, RoomsAndCursorGoIntoTheQueryString) {
  EXPECT_EQ(query_string({{"a", "chat:lobby"}, "a~4,chat:lobby~7"}),
            "rooms=a,chat:lobby&cursor=a~4,chat:lobby~7");
  EXPECT_EQ(query_string({{"a b&c"}, ""}), "rooms=a%20b%26c");
}

}  // namespace
}  // namespace herald::client
