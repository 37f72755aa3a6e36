// Presence, status and typing against a real server with two event loops: members are listed
// and diffed across loops, batched and debounced over the window, expired when silent; status
// follows a user's sessions; typing reaches the others, rate-limited, and is never stored.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "client/client.hpp"
#include "itest_support.hpp"
#include "server_process.hpp"
#include "ws_probe.hpp"

namespace herald::test {
namespace {

namespace web = boost::beast::http;

// Short enough to keep the tests quick, long enough to batch a burst of joins. The ttl is the
// default, twice the heartbeat.
constexpr Millis kWindow = 300ms;
constexpr Millis kHeartbeat = 1000ms;
constexpr int kListMax = 50;

class Presence : public SharedServerSuite {
 protected:
  static void SetUpTestSuite() {
    start_server({"--heartbeat-ms", std::to_string(kHeartbeat.count()), "--presence-window-ms",
                  std::to_string(kWindow.count()), "--presence-list-max",
                  std::to_string(kListMax)});
  }

  void SetUp() override {
    SharedServerSuite::SetUp();
    if (HasFatalFailure()) return;
    room_ = test_room("p-");
  }

  // A session that said hello as `user`, with info {"name": user}.
  static std::unique_ptr<WsProbe> connect(std::string_view user) {
    auto probe = std::make_unique<WsProbe>(server_->port());
    probe->send(json::object{{"op", "hello"}, {"user", user}, {"info", {{"name", user}}}});
    probe->expect("welcome");
    return probe;
  }
  // An anonymous session: not listed, a clean observer of a room's diffs.
  static std::unique_ptr<WsProbe> observer(std::string_view room) {
    auto probe = std::make_unique<WsProbe>(server_->port());
    probe->hello();
    probe->join(room);
    return probe;
  }

  static json::object api_get(const std::string& target) {
    const HttpAnswer answer = Api(*server_).request(web::verb::get, target);
    if (answer.status != 200) {
      throw std::runtime_error("GET " + target + " answered " + std::to_string(answer.status) +
                               ": " + answer.body);
    }
    return answer.json();
  }
  static json::object api_presence(std::string_view room) {
    return api_get("/api/presence?room=" + std::string(room));
  }
  // The users GET /api/presence lists for the room.
  static std::vector<std::string> listed(std::string_view room) {
    return users(api_presence(room), "members");
  }
  static ::testing::AssertionResult eventually_listed(std::string_view room,
                                                      const std::vector<std::string>& users) {
    std::vector<std::string> last;
    if (eventually([&] { return (last = listed(room)) == users; }, 10s)) {
      return ::testing::AssertionSuccess();
    }
    std::string got;
    for (const auto& user : last)
      got += user + " ";
    return ::testing::AssertionFailure() << room << " lists [ " << got << "]";
  }

  static std::vector<std::string> users(const json::object& frame, std::string_view field) {
    std::vector<std::string> out;
    for (const json::value& member : frame.at(field).as_array())
      out.emplace_back(member.at("user").as_string());
    return out;
  }

  // Asks for the room's presence and returns the answer, skipping the diffs that come meanwhile.
  static json::object query(WsProbe& probe, std::string_view room, bool counts = false) {
    json::object frame{{"op", "presence"}, {"room", room}};
    if (counts) frame["counts"] = true;
    probe.send(frame);
    while (true) {
      json::object answer = probe.expect("presence");
      if (!answer.contains("joins")) return answer;
    }
  }

  // The next frame that is not a presence diff (those come whenever the window ends).
  static json::object next_besides_presence(WsProbe& probe) {
    while (true) {
      auto frame = probe.next();
      if (!frame) return {{"op", "none"}, {"error", probe.error()}};
      if (str(*frame, "op") != "presence") return std::move(*frame);
    }
  }

  static void leave(WsProbe& probe, std::string_view room) {
    probe.send(json::object{{"op", "leave"}, {"room", room}});
    const json::object left = next_besides_presence(probe);
    ASSERT_EQ(str(left, "op"), "left") << json::serialize(left);
  }

  // Long enough for any diff of what happened before to have been published.
  static void quiet() { std::this_thread::sleep_for(4 * kWindow); }

  std::string room_;
};

TEST_F(Presence, AMemberIsListedOnJoinAndGoneOnLeave) {
  auto watcher = observer(room_);
  auto ann = connect("ann");
  ann->join(room_);
  EXPECT_TRUE(eventually_listed(room_, {"ann"}));
  const json::object joined = watcher->expect("presence");
  EXPECT_EQ(str(joined, "room"), room_);
  EXPECT_EQ(users(joined, "joins"), (std::vector<std::string>{"ann"}));
  EXPECT_EQ(joined.at("joins").as_array()[0].at("info").at("name").as_string(), "ann");

  // The same list over the WebSocket, with the session count and info.
  const json::object list = query(*ann, room_);
  ASSERT_EQ(users(list, "members"), (std::vector<std::string>{"ann"})) << json::serialize(list);
  EXPECT_EQ(num(list.at("members").as_array()[0].as_object(), "sessions"), 1);

  leave(*ann, room_);
  EXPECT_TRUE(eventually_listed(room_, {}));
  const json::object left = watcher->expect("presence");
  EXPECT_EQ(users(left, "leaves"), (std::vector<std::string>{"ann"}));
  EXPECT_TRUE(left.at("joins").as_array().empty());
}

TEST_F(Presence, ClosingTheConnectionRemovesTheMember) {
  auto ann = connect("ann");
  ann->join(room_);
  EXPECT_TRUE(eventually_listed(room_, {"ann"}));
  ann.reset();
  EXPECT_TRUE(eventually_listed(room_, {}));
}

TEST_F(Presence, HeartbeatsKeepASessionPresentAndSilenceExpiresIt) {
  auto ann = connect("ann");
  auto bob = connect("bob");
  ann->join(room_);
  bob->join(room_);
  EXPECT_TRUE(eventually_listed(room_, {"ann", "bob"}));
  // Only ann heartbeats; bob stays connected but silent past the ttl (twice the heartbeat).
  const auto until = std::chrono::steady_clock::now() + 3 * kHeartbeat;
  while (std::chrono::steady_clock::now() < until) {
    ann->send(R"({"op":"heartbeat"})");
    std::this_thread::sleep_for(kHeartbeat / 4);
  }
  EXPECT_TRUE(eventually_listed(room_, {"ann"}));
  // Heartbeats are answered with nothing: next to the diffs, ann only gets the answer to a query.
  EXPECT_EQ(users(query(*ann, room_), "members"), (std::vector<std::string>{"ann"}));
  // Any frame brings a silent session back.
  bob->send(R"({"op":"heartbeat"})");
  EXPECT_TRUE(eventually_listed(room_, {"ann", "bob"}));
}

TEST_F(Presence, TheClientLibraryKeepsAnIdleUserPresent) {
  boost::asio::io_context io;
  client::Client carol(io, {.url = server_->ws_url(), .name = "itest/1", .user = "carol"});
  carol.join(room_);
  carol.start();
  ASSERT_TRUE(run_until(io, [&] { return listed(room_) == std::vector<std::string>{"carol"}; }));
  // Silent but for its heartbeats, for twice the ttl.
  run_until(
      io, [] { return false; }, 4 * kHeartbeat);
  EXPECT_EQ(listed(room_), std::vector<std::string>{"carol"});
  carol.stop();
}

TEST_F(Presence, AHundredJoinsAreAFewBatchedDiffs) {
  const int before_diffs = static_cast<int>(metric(*server_, "herald_presence_diffs_total"));
  const int before_entries = static_cast<int>(metric(*server_, "herald_presence_entries"));
  auto watcher = observer(room_);
  std::vector<std::unique_ptr<WsProbe>> members;
  auto last_heartbeat = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) {
    members.push_back(connect("user-" + std::to_string(i)));
    members.back()->join(room_);
    // Connecting a hundred may take longer than the ttl under the sanitizers.
    if (std::chrono::steady_clock::now() - last_heartbeat > kHeartbeat / 2) {
      for (auto& member : members)
        member->send(R"({"op":"heartbeat"})");
      last_heartbeat = std::chrono::steady_clock::now();
    }
  }
  // Past the list maximum the diffs turn into counts: read until the count says all are there.
  int frames = 0;
  while (num(watcher->expect("presence"), "count") != 100)
    ++frames;
  EXPECT_LE(frames, 10) << "100 joins must be batched, not sent one by one";
  EXPECT_LE(metric(*server_, "herald_presence_diffs_total") - before_diffs, 10);
  EXPECT_GE(metric(*server_, "herald_presence_entries") - before_entries, 100);

  const json::object counted = api_presence(room_);
  EXPECT_EQ(num(counted, "count"), 100);
  EXPECT_FALSE(counted.contains("members"));
  members.clear();
  EXPECT_TRUE(eventually([&] {
    return metric(*server_, "herald_presence_entries") == before_entries;
  })) << "closed sessions leave no entries";
}

TEST_F(Presence, CountsOnRequest) {
  auto ann = connect("ann");
  ann->join(room_);
  EXPECT_TRUE(eventually_listed(room_, {"ann"}));
  const json::object counted = api_get("/api/presence?room=" + room_ + "&counts=1");
  EXPECT_EQ(num(counted, "count"), 1);
  EXPECT_FALSE(counted.contains("members"));
  EXPECT_EQ(num(query(*ann, room_, true), "count"), 1);
}

TEST_F(Presence, AFlappingClientProducesNoDiff) {
  auto watcher = observer(room_);
  auto ann = connect("ann");
  ann->join(room_);
  EXPECT_EQ(users(watcher->expect("presence"), "joins"), (std::vector<std::string>{"ann"}));
  // Leave and come back, then reconnect: each time back well within the window.
  leave(*ann, room_);
  ann->join(room_);
  ann.reset();
  ann = connect("ann");
  ann->join(room_);
  quiet();
  // Had the flap been published, it would come before this.
  auto bob = connect("bob");
  bob->join(room_);
  const json::object next = watcher->expect("presence");
  EXPECT_EQ(users(next, "joins"), (std::vector<std::string>{"bob"})) << json::serialize(next);
  EXPECT_TRUE(next.at("leaves").as_array().empty()) << json::serialize(next);
}

TEST_F(Presence, TwoSessionsOfOneUserAreOneMemberUntilBothLeave) {
  auto watcher = observer(room_);
  auto phone = connect("ann");
  auto laptop = connect("ann");
  phone->join(room_);
  laptop->join(room_);
  EXPECT_EQ(users(watcher->expect("presence"), "joins"), (std::vector<std::string>{"ann"}));
  const json::array members = api_presence(room_).at("members").as_array();
  ASSERT_EQ(members.size(), 1u);
  EXPECT_EQ(num(members[0].as_object(), "sessions"), 2);

  phone.reset();
  quiet();
  EXPECT_EQ(listed(room_), (std::vector<std::string>{"ann"}));
  leave(*laptop, room_);
  const json::object left = watcher->expect("presence");
  EXPECT_EQ(users(left, "leaves"), (std::vector<std::string>{"ann"})) << json::serialize(left);
  EXPECT_TRUE(left.at("joins").as_array().empty()) << "no diff came for the phone alone";
}

TEST_F(Presence, TypingReachesTheOthersRateLimitedAndIsNeverStored) {
  auto ann = connect("ann");
  auto bob = connect("bob");
  auto watcher = observer(room_);
  ann->join(room_);
  bob->join(room_);
  const std::string typing = R"({"op":"typing","room":")" + room_ + R"("})";
  const double dropped = metric(*server_, "herald_typing_dropped_total");
  const double forwarded = metric(*server_, "herald_typing_forwarded_total");

  ann->send(typing);
  ann->send(typing);  // within 2 s of the first: dropped
  for (auto* probe : {bob.get(), watcher.get()}) {
    const json::object frame = next_besides_presence(*probe);
    EXPECT_EQ(str(frame, "op"), "typing") << json::serialize(frame);
    EXPECT_EQ(str(frame, "room"), room_);
    EXPECT_EQ(str(frame, "user"), "ann");
  }
  EXPECT_TRUE(eventually([&] {
    return metric(*server_, "herald_typing_dropped_total") == dropped + 1;
  })) << "the second typing is counted as dropped";
  EXPECT_EQ(metric(*server_, "herald_typing_forwarded_total"), forwarded + 1);

  // Typing takes no seq, and the sender gets none back: next for everyone is the message, seq 1.
  const json::object ack = Api(*server_).publish(room_, json::value{{"text", "hi"}}, "m1");
  EXPECT_EQ(num(ack, "seq"), 1);
  for (auto* probe : {ann.get(), bob.get(), watcher.get()}) {
    const json::object frame = next_besides_presence(*probe);
    EXPECT_EQ(str(frame, "op"), "msg") << json::serialize(frame);
    EXPECT_EQ(num(frame, "seq"), 1);
  }
  const auto history = Api(*server_).history(room_);
  ASSERT_EQ(history.messages.size(), 1u);
  EXPECT_EQ(str(history.messages[0], "id"), "m1");

  auto late = std::make_unique<WsProbe>(server_->port());
  late->hello();
  EXPECT_EQ(num(late->join(room_, 0), "seq"), 1);
  EXPECT_EQ(str(late->expect("msg"), "id"), "m1") << "a resume replays messages, not typing";
}

TEST_F(Presence, TypingNeedsAUserAndAMembership) {
  auto ann = connect("ann");
  const std::string typing = R"({"op":"typing","room":")" + room_ + R"("})";
  const double not_joined = metric(*server_, protocol_errors_series("not_joined"));
  ann->send(typing);
  EXPECT_EQ(str(ann->expect("error"), "code"), "not_joined");
  auto anonymous = observer(room_);
  anonymous->send(typing);
  EXPECT_EQ(str(anonymous->expect("error"), "code"), "user_required");
  EXPECT_TRUE(eventually(
      [&] { return metric(*server_, protocol_errors_series("not_joined")) == not_joined + 1; }));
}

TEST_F(Presence, StatusFollowsTheUsersSessionsAcrossRooms) {
  const std::string user = "carol-" + room_.substr(2);
  auto follower = std::make_unique<WsProbe>(server_->port());
  follower->hello();
  const json::object joined = follower->join("status:" + user);
  EXPECT_EQ(num(joined, "seq"), 0);
  const json::object initial = follower->expect("status");
  EXPECT_FALSE(initial.at("online").as_bool());
  EXPECT_TRUE(initial.at("ts").is_null()) << "never seen";

  auto carol = connect(user);
  carol->join(room_ + "-x");
  carol->join(room_ + "-y");
  const json::object online = follower->expect("status");
  EXPECT_EQ(str(online, "user"), user);
  EXPECT_TRUE(online.at("online").as_bool());
  EXPECT_TRUE(api_get("/api/status?user=" + user).at("online").as_bool());

  leave(*carol, room_ + "-x");  // still in -y: still online
  auto second = connect(user);  // a second session: still one user
  second.reset();
  quiet();
  carol.reset();
  const json::object offline = follower->expect("status");
  EXPECT_FALSE(offline.at("online").as_bool()) << json::serialize(offline);
  EXPECT_GE(num(offline, "ts"), num(online, "ts"));
  const json::object status = api_get("/api/status?user=" + user);
  EXPECT_FALSE(status.at("online").as_bool());
  EXPECT_EQ(num(status, "last_seen"), num(offline, "ts"));
}

TEST_F(Presence, StatusRoomsHaveNoMessages) {
  const std::string room = "status:dave-" + room_.substr(2);
  auto probe = connect("eve");
  probe->send(json::object{{"op", "publish"}, {"room", room}, {"data", 1}});
  EXPECT_EQ(str(probe->expect("error"), "code"), "read_only_room");
  const HttpAnswer refused = Api(*server_).request(
      web::verb::post, "/api/publish", json::serialize(json::object{{"room", room}, {"data", 1}}));
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(str(refused.json(), "error"), "read_only_room");
  // Joining with since neither reads nor promises history.
  const json::object joined = probe->join(room, 5);
  EXPECT_EQ(num(joined, "seq"), 0);
  EXPECT_TRUE(joined.at("recovered").as_bool());
  EXPECT_EQ(Api(*server_).history(room).head, 0);
}

TEST_F(Presence, BadIdentityIsRefusedAndCounted) {
  const double before = metric(*server_, protocol_errors_series("bad_frame"));
  WsProbe probe(server_->port());
  probe.send(R"({"op":"hello","user":"has space"})");
  EXPECT_NE(str(probe.expect("error"), "reason").find("user"), std::string::npos);
  probe.send(R"({"op":"hello","user":"ann","info":"not an object"})");
  EXPECT_NE(str(probe.expect("error"), "reason").find("info"), std::string::npos);
  const std::string big(2000, 'x');
  probe.send(R"({"op":"hello","user":"ann","info":{"bio":")" + big + R"("}})");
  EXPECT_EQ(str(probe.expect("error"), "code"), "bad_frame");
  EXPECT_TRUE(eventually(
      [&] { return metric(*server_, protocol_errors_series("bad_frame")) == before + 3; }));
  EXPECT_EQ(Api(*server_).request(web::verb::get, "/api/status?user=has%20space").status, 400);
  EXPECT_EQ(Api(*server_).request(web::verb::get, "/api/presence").status, 400);
}

}  // namespace
}  // namespace herald::test
