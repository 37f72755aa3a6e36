// Bad input gets the documented answer, is counted in herald_protocol_errors_total, and harms
// nobody else: a bystander in the same room still gets what is published afterwards, and the
// server still answers /healthz.

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <set>
#include <thread>

#include "itest_support.hpp"
#include "server_process.hpp"
#include "ws_probe.hpp"

namespace herald::test {
namespace {

class BadInput : public SharedServerSuite {
 protected:
  static void SetUpTestSuite() {
    start_server({"--max-rooms", "3", "--publish-rate", "5", "--publish-burst", "5",
                  "--max-frame-bytes", "1024"});
  }

  void SetUp() override {
    SharedServerSuite::SetUp();
    if (HasFatalFailure()) return;
    room_ = test_room("bad-");
    bystander_ = std::make_unique<WsProbe>(server_->port());
    bystander_->hello();
    bystander_->join(room_);
  }

  // What every test must leave intact: the bystander still gets a message published now (after
  // whatever the test itself published), and the server is healthy.
  void TearDown() override {
    if (!bystander_) return;
    const std::string marker = "after-" + room_;
    Api(*server_).publish(room_, json::value{{"after", true}}, marker);
    while (true) {
      const auto frame = bystander_->next();
      ASSERT_TRUE(frame) << "the bystander lost its session: " << bystander_->error();
      ASSERT_EQ(str(*frame, "op"), "msg") << "the bystander got " << json::serialize(*frame);
      if (str(*frame, "id") == marker) break;
    }
    EXPECT_TRUE(healthy(*server_));
  }

  static double errors(std::string_view code) {
    return metric(*server_, protocol_errors_series(code));
  }

  // The protocol error counter for `code` reaches `before + 1` (it may be counted just after the
  // answer left), and goes no further.
  static void expect_counted(std::string_view code, double before, double times = 1) {
    EXPECT_TRUE(eventually([&] { return errors(code) >= before + times; }))
        << protocol_errors_series(code) << " stayed at " << errors(code) << ", expected "
        << before + times;
    EXPECT_EQ(errors(code), before + times) << protocol_errors_series(code);
  }

  std::unique_ptr<WsProbe> greeted() {
    auto probe = std::make_unique<WsProbe>(server_->port());
    probe->hello();
    return probe;
  }

  // Sends `frame` and expects an `error` frame with `code` (counted); returns it.
  static json::object expect_error(WsProbe& probe, std::string_view frame, std::string_view code) {
    const double before = errors(code);
    probe.send(frame);
    const auto answer = probe.next();
    if (!answer) {
      ADD_FAILURE() << "no answer to " << frame << ": " << probe.error();
      return {};
    }
    EXPECT_EQ(str(*answer, "op"), "error") << "to " << frame << ": " << json::serialize(*answer);
    EXPECT_EQ(str(*answer, "code"), code) << "to " << frame << ": " << json::serialize(*answer);
    EXPECT_FALSE(str(*answer, "reason").empty()) << json::serialize(*answer);
    expect_counted(code, before);
    return *answer;
  }

  // Sends something the server must refuse by closing with `close_code`, counted as `code`.
  void expect_close(const std::function<void(WsProbe&)>& send, int close_code,
                    std::string_view code) {
    const double before = errors(code);
    auto probe = greeted();
    probe->join(room_);
    send(*probe);
    std::deque<json::object> frames;
    EXPECT_EQ(probe->read_until_close(frames), close_code) << probe->error();
    expect_counted(code, before);
  }

  std::string room_;
  std::unique_ptr<WsProbe> bystander_;
};

TEST_F(BadInput, MalformedJsonIsBadJson) {
  auto probe = greeted();
  expect_error(*probe, R"({"op":"join","room":)", "bad_json");
  expect_error(*probe, "not json at all", "bad_json");
  EXPECT_EQ(str(probe->join(room_), "room"), room_) << "the session goes on after an error";
}

TEST_F(BadInput, JsonThatIsNotAnObjectIsBadJson) {
  auto probe = greeted();
  expect_error(*probe, R"([{"op":"join","room":"x"}])", "bad_json");
  expect_error(*probe, R"("hello")", "bad_json");
  expect_error(*probe, "42", "bad_json");
}

TEST_F(BadInput, UnknownOp) {
  auto probe = greeted();
  expect_error(*probe, R"({"op":"dance","room":"x"})", "unknown_op");
}

TEST_F(BadInput, MissingOrMistypedFieldsAreBadFrame) {
  auto probe = greeted();
  const auto names = [](const json::object& error, std::string_view field) {
    return str(error, "reason").find(field) != std::string::npos;
  };
  EXPECT_TRUE(names(expect_error(*probe, R"({"room":"x"})", "bad_frame"), "op"));
  EXPECT_TRUE(names(expect_error(*probe, R"({"op":"join"})", "bad_frame"), "room"));
  EXPECT_TRUE(names(expect_error(*probe, R"({"op":"join","room":5})", "bad_frame"), "room"));
  EXPECT_TRUE(names(expect_error(*probe, R"({"op":"leave","room":null})", "bad_frame"), "room"));
  const json::object negative =
      expect_error(*probe, R"({"op":"join","room":")" + room_ + R"(","since":-1})", "bad_frame");
  EXPECT_TRUE(names(negative, "since")) << json::serialize(negative);
  EXPECT_EQ(str(negative, "room"), room_) << json::serialize(negative);
  EXPECT_TRUE(
      names(expect_error(*probe, R"({"op":"join","room":"x","since":"3"})", "bad_frame"), "since"));
  EXPECT_TRUE(names(expect_error(*probe, R"({"op":"publish","room":"x"})", "bad_frame"), "data"));
  EXPECT_TRUE(names(
      expect_error(*probe, R"({"op":"publish","room":"x","data":1,"id":"has space"})", "bad_frame"),
      "id"));
  // A number no double holds would reach readers as something else, or as nothing they parse.
  EXPECT_TRUE(names(
      expect_error(*probe, R"({"op":"publish","room":")" + room_ + R"(","data":{"v":1e1000}})",
                   "bad_frame"),
      "data"));
  EXPECT_EQ(Api(*server_).history(room_).head, 0) << "the out-of-range number was stored";
}

TEST_F(BadInput, InvalidRoomNamesAreBadRoom) {
  auto probe = greeted();
  expect_error(*probe, R"({"op":"join","room":"bad room"})", "bad_room");
  expect_error(*probe, R"({"op":"join","room":""})", "bad_room");
  expect_error(*probe, R"({"op":"join","room":")" + std::string(129, 'r') + R"("})", "bad_room");
  expect_error(*probe, R"({"op":"publish","room":"caf\u00e9","data":1})", "bad_room");
}

TEST_F(BadInput, FramesBeforeHelloNeedHello) {
  WsProbe probe(server_->port());
  expect_error(probe, R"({"op":"join","room":")" + room_ + R"("})", "hello_required");
  expect_error(probe, R"({"op":"publish","room":")" + room_ + R"(","data":1,"id":"early"})",
               "hello_required");
  probe.hello();
  EXPECT_EQ(str(probe.join(room_), "room"), room_);
  EXPECT_EQ(Api(*server_).history(room_).head, 0) << "a publish before hello was stored";
}

TEST_F(BadInput, JoinOverTheRoomLimitIsTooManyRooms) {
  auto probe = greeted();
  for (const std::string suffix : {"", "-2", "-3"})
    probe->join(room_ + suffix);
  const json::object error =
      expect_error(*probe, R"({"op":"join","room":")" + room_ + R"(-4"})", "too_many_rooms");
  EXPECT_EQ(str(error, "room"), room_ + "-4");
  probe->send(R"({"op":"leave","room":")" + room_ + R"(-3"})");
  EXPECT_EQ(str(probe->expect("left"), "room"), room_ + "-3");
  EXPECT_EQ(str(probe->join(room_ + "-4"), "room"), room_ + "-4") << "a left room frees its slot";
}

TEST_F(BadInput, JoiningTwiceIsAlreadyJoinedAndTheMembershipStands) {
  auto probe = greeted();
  probe->join(room_);
  const json::object error = expect_error(
      *probe, R"({"op":"join","room":")" + room_ + R"(","since":0})", "already_joined");
  EXPECT_EQ(str(error, "room"), room_);
  const json::object ack = Api(*server_).publish(room_, json::value{{"still", "member"}}, "still");
  const json::object msg = probe->expect("msg");
  EXPECT_EQ(num(msg, "seq"), num(ack, "seq"));
  EXPECT_EQ(str(msg, "id"), "still");
}

TEST_F(BadInput, LeavingARoomNotJoinedIsNotJoined) {
  auto probe = greeted();
  const json::object error =
      expect_error(*probe, R"({"op":"leave","room":")" + room_ + R"(-never"})", "not_joined");
  EXPECT_EQ(str(error, "room"), room_ + "-never");
}

TEST_F(BadInput, PublishFloodIsRateLimitedAndTheExtraIsNotStored) {
  constexpr int kFlood = 12;  // the limit is 5 per second, bursts of 5
  const double before = errors("rate_limited");
  auto probe = greeted();
  for (int i = 0; i < kFlood; ++i) {
    probe->send(R"({"op":"publish","room":")" + room_ + R"(","data":{"i":)" + std::to_string(i) +
                R"(},"id":"flood-)" + std::to_string(i) + R"("})");
  }
  std::set<std::string> acked;
  std::vector<json::object> limited;
  for (int i = 0; i < kFlood; ++i) {
    const auto frame = probe->next();
    ASSERT_TRUE(frame) << "answer " << i << " of " << kFlood << " missing: " << probe->error();
    if (str(*frame, "op") == "ack") {
      acked.insert(str(*frame, "id"));
    } else {
      ASSERT_EQ(str(*frame, "code"), "rate_limited") << json::serialize(*frame);
      EXPECT_EQ(str(*frame, "room"), room_) << json::serialize(*frame);
      EXPECT_TRUE(str(*frame, "id").starts_with("flood-")) << json::serialize(*frame);
      EXPECT_GT(num(*frame, "retry_after_ms"), 0) << json::serialize(*frame);
      limited.push_back(*frame);
    }
  }
  EXPECT_GE(acked.size(), 5u);
  ASSERT_GE(limited.size(), 1u) << "12 publishes at once passed a limit of 5 per second";
  expect_counted("rate_limited", before, static_cast<double>(limited.size()));

  std::set<std::string> stored;
  for (const json::object& message : Api(*server_).history(room_).messages)
    stored.insert(str(message, "id"));
  EXPECT_EQ(stored, acked) << "what was stored must be exactly what was acked";

  // As documented: publish again with the same id after retry_after_ms, and it is stored.
  const json::object& retry = limited.front();
  std::this_thread::sleep_for(Millis(num(retry, "retry_after_ms")));
  probe->send(R"({"op":"publish","room":")" + room_ + R"(","data":"again","id":")" +
              str(retry, "id") + R"("})");
  const json::object ack = probe->expect("ack");
  EXPECT_EQ(str(ack, "id"), str(retry, "id"));
  EXPECT_FALSE(ack.at("duplicate").as_bool()) << json::serialize(ack);
}

TEST_F(BadInput, BinaryFrameClosesWith1003) {
  expect_close([](WsProbe& probe) { probe.send_binary(R"({"op":"join","room":"x"})"); }, 1003,
               "binary_frame");
}

TEST_F(BadInput, InvalidUtf8ClosesWith1007) {
  expect_close(
      [&](WsProbe& probe) {
        probe.send(R"({"op":"publish","room":")" + room_ + "\",\"data\":\"\xff\xfe\xc3\x28\"}");
      },
      1007, "invalid_utf8");
  EXPECT_EQ(Api(*server_).history(room_).head, 0) << "the invalid frame was stored";
}

TEST_F(BadInput, OversizeFrameClosesWith1009) {
  expect_close(
      [&](WsProbe& probe) {
        probe.send(R"({"op":"publish","room":")" + room_ + R"(","data":")" +
                   std::string(2000, 'x') + R"("})");
      },
      1009, "frame_too_big");
  EXPECT_EQ(Api(*server_).history(room_).head, 0) << "the oversize frame was stored";
}

// A raw upgrade, then one text frame sent without the mask every client frame must carry.
TEST_F(BadInput, AnUnmaskedFrameClosesWith1002) {
  namespace asio = boost::asio;
  const double before = errors("ws_protocol");
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::address_v4::loopback(), server_->port()});
  asio::write(socket,
              asio::buffer(std::string("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                       "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")));
  const std::string hello = R"({"op":"hello"})";
  std::string frame = {'\x81', static_cast<char>(hello.size())};
  asio::write(socket, asio::buffer(frame + hello));
  // The 101, then a close frame: 0x88, its length, and the code 1002 in network order.
  std::string received;
  boost::system::error_code ec;
  std::array<char, 512> chunk{};
  while (!ec) {
    const std::size_t n = socket.read_some(asio::buffer(chunk), ec);
    received.append(chunk.data(), n);
  }
  const std::size_t body = received.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos) << received;
  EXPECT_TRUE(received.starts_with("HTTP/1.1 101")) << received;
  const std::string close = received.substr(body + 4);
  ASSERT_GE(close.size(), 4u);
  EXPECT_EQ(static_cast<unsigned char>(close[0]), 0x88);
  EXPECT_EQ((static_cast<unsigned char>(close[2]) << 8) | static_cast<unsigned char>(close[3]),
            1002);
  expect_counted("ws_protocol", before);
}

TEST_F(BadInput, ABrokenUpgradeIsRefusedBeforeAnySession) {
  const double before = errors("bad_upgrade");
  const auto upgrade = [&](const Headers& extra) {
    Headers headers = {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}};
    headers.insert(headers.end(), extra.begin(), extra.end());
    return http_response(*server_, "GET", "/ws", {}, headers);
  };
  const auto no_key = upgrade({{"Sec-WebSocket-Version", "13"}});
  EXPECT_EQ(no_key.result_int(), 400u);
  EXPECT_EQ(str(parse_object(no_key.body()), "error"), "bad_upgrade") << no_key.body();
  const auto old_version =
      upgrade({{"Sec-WebSocket-Version", "8"}, {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  EXPECT_EQ(old_version.result_int(), 426u);
  EXPECT_EQ(old_version[boost::beast::http::field::sec_websocket_version], "13");
  expect_counted("bad_upgrade", before, 2);
}

TEST_F(BadInput, ServerApiRefusesBadRequests) {
  const std::string publish = R"({"room":")" + room_ + R"(","data":{"text":"hi"}})";
  const Headers key = {{"Authorization", "Bearer " + server_->api_key()}};
  const auto expect_answer = [](const std::pair<int, std::string>& answer, int status,
                                std::string_view code) {
    EXPECT_EQ(answer.first, status) << answer.second;
    EXPECT_EQ(str(parse_object(answer.second), "error"), code) << answer.second;
  };

  expect_answer(
      http(*server_, "POST", "/api/publish", publish, {{"Authorization", "Bearer not-the-key"}}),
      401, "unauthorized");
  expect_answer(http(*server_, "POST", "/api/publish", publish), 401, "unauthorized");
  expect_answer(
      http(*server_, "POST", "/api/publish", publish, {{"Authorization", server_->api_key()}}), 401,
      "unauthorized");
  expect_answer(http(*server_, "GET", "/api/history?room=" + room_), 401, "unauthorized");
  expect_answer(http(*server_, "POST", "/api/publish", R"({"room":"x","data":)", key), 400,
                "bad_json");
  expect_answer(http(*server_, "POST", "/api/publish", R"([1,2])", key), 400, "bad_json");
  expect_answer(http(*server_, "POST", "/api/publish", R"({"data":1})", key), 400, "bad_frame");
  expect_answer(http(*server_, "POST", "/api/publish", R"({"room":"a b","data":1})", key), 400,
                "bad_room");
  expect_answer(
      http(*server_, "POST", "/api/publish",
           R"({"room":")" + room_ + R"(","data":")" + std::string(1500, 'x') + R"("})", key),
      413, "too_large");
  expect_answer(
      http(*server_, "POST", "/api/publish",
           R"({"room":")" + room_ + R"(","data":")" + std::string(5000, 'x') + R"("})", key),
      413, "too_large");
  expect_answer(http(*server_, "GET", "/api/history", {}, key), 400, "bad_query");
  expect_answer(http(*server_, "GET", "/api/history?room=" + room_ + "&since=-1", {}, key), 400,
                "bad_query");
  expect_answer(http(*server_, "GET", "/api/nothing-here", {}, key), 404, "not_found");
  expect_answer(http(*server_, "GET", "/no/such/path"), 404, "not_found");
  EXPECT_EQ(Api(*server_).history(room_).head, 0) << "a refused publish was stored";
}

TEST_F(BadInput, SlowlorisHttpClientsDoNotBlockOthers) {
  namespace asio = boost::asio;
  constexpr int kSlow = 20;
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> slow;
  const asio::ip::tcp::endpoint endpoint(asio::ip::address_v4::loopback(), server_->port());
  for (int i = 0; i < kSlow; ++i) {
    auto& socket = slow.emplace_back(io);
    socket.connect(endpoint);
    asio::write(socket, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")));
  }
  // While they hang there, everyone else is served.
  EXPECT_TRUE(healthy(*server_));
  const json::object ack = Api(*server_).publish(room_, json::value{{"during", "slowloris"}}, "d");
  EXPECT_EQ(num(ack, "seq"), 1);
  auto probe = greeted();
  EXPECT_EQ(str(probe->join(room_, 0), "room"), room_);
  EXPECT_EQ(num(probe->expect("msg"), "seq"), 1);

  // And the server lets go of them in the end (it allows a request 30 s).
  int closed = 0;
  std::vector<char> sink(64);
  for (auto& socket : slow) {
    socket.async_read_some(asio::buffer(sink), [&](boost::system::error_code ec, std::size_t) {
      if (ec) ++closed;
    });
  }
  io.run_for(std::chrono::seconds(75));
  EXPECT_EQ(closed, kSlow) << "half-sent requests are still held open after 75 s";
}

// ServerProcess always passes --api-key, so this one runs `herald serve` itself, on the port
// and data directory of a ServerProcess that is never started.
TEST(ServerApiWithoutKey, IsClosedWith403) {
  ServerProcess placeholder;
  ChildProcess serve({HERALD_BINARY, "serve", "--listen",
                      "127.0.0.1:" + std::to_string(placeholder.port()), "--data",
                      placeholder.data_dir().string(), "--threads", "2", "--log-level", "warn"});
  ASSERT_TRUE(eventually([&] { return healthy(placeholder); }))
      << "herald serve without --api-key did not come up: " << serve.err();
  const Headers some_key = {{"Authorization", "Bearer anything"}};
  for (const auto& [method, target, body] :
       {std::tuple{"POST", "/api/publish", R"({"room":"x","data":1})"},
        std::tuple{"GET", "/api/history?room=x", ""}}) {
    for (const Headers& headers : {Headers{}, some_key}) {
      const auto [status, answer] = http(placeholder, method, target, body, headers);
      EXPECT_EQ(status, 403) << method << " " << target << ": " << answer;
      EXPECT_EQ(str(parse_object(answer), "error"), "api_disabled") << answer;
    }
  }
  EXPECT_TRUE(healthy(placeholder));
}

}  // namespace
}  // namespace herald::test
