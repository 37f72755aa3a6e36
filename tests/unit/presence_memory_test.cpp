#include "presence/presence_memory.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace herald {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Keeps what presence publishes, for the test to read.
class RecordingBus final : public Bus {
 public:
  void publish(const EnvelopePtr& envelope) override { published.push_back(envelope); }
  void subscribe(const std::string&, BusSubscriber*, std::function<void()> ready) override {
    ready();
  }
  void unsubscribe(std::string_view, BusSubscriber*) override {}

  std::vector<EnvelopePtr> published;
};

struct Published {
  std::string room;
  json::object frame;
};

class PresenceMemoryTest : public ::testing::Test {
 protected:
  static constexpr PresenceOptions kOptions{10s, 2s, 3};

  void update(std::string_view session, std::string_view user,
              std::vector<std::string_view> rooms) {
    presence.update({session, user, R"({"name":"N"})", std::move(rooms)});
  }
  void tick_after(std::chrono::milliseconds elapsed) {
    now += elapsed;
    presence.tick();
  }
  // What was published since the last call.
  std::vector<Published> published() {
    std::vector<Published> out;
    for (const auto& envelope : bus.published) {
      EXPECT_TRUE(envelope->ephemeral());
      out.push_back({envelope->msg.room, json::parse(*envelope->frame).as_object()});
    }
    bus.published.clear();
    return out;
  }
  PresenceList list(std::string_view room, bool counts_only = false) {
    PresenceList answer;
    presence.list(room, counts_only, [&](PresenceList list) { answer = std::move(list); });
    return answer;
  }
  UserStatus status(std::string_view user) {
    UserStatus answer;
    presence.status(user, [&](UserStatus status) { answer = status; });
    return answer;
  }
  static std::vector<std::string> users(const json::object& frame, std::string_view field) {
    std::vector<std::string> out;
    for (const auto& member : frame.at(field).as_array())
      out.emplace_back(member.at("user").as_string());
    return out;
  }
  static std::vector<std::string> users(const PresenceList& list) {
    std::vector<std::string> out;
    for (const auto& member : list.members)
      out.push_back(member.user);
    return out;
  }
  // The room diffs among what was published, without the status frames.
  std::vector<json::object> diffs(std::string_view room) {
    std::vector<json::object> out;
    for (auto& p : published()) {
      if (p.room == room) out.push_back(std::move(p.frame));
    }
    return out;
  }

  std::chrono::steady_clock::time_point now{1h};
  RecordingBus bus;
  Metrics metrics;
  MemoryPresence presence{bus, metrics, kOptions, [this] { return now; }};
};

TEST_F(PresenceMemoryTest, JoinsOfAWindowGoOutAsOneDiff) {
  update("s1", "carol", {"r"});
  update("s2", "alice", {"r"});
  update("s3", "bob", {"r"});
  EXPECT_TRUE(bus.published.empty()) << "nothing before the window ends";
  tick_after(2s);
  const auto frames = diffs("r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].at("op").as_string(), "presence");
  EXPECT_EQ(frames[0].at("room").as_string(), "r");
  EXPECT_EQ(users(frames[0], "joins"), (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_TRUE(frames[0].at("leaves").as_array().empty());
  EXPECT_EQ(frames[0].at("joins").as_array()[0].at("info").at("name").as_string(), "N");
  EXPECT_EQ(metrics.presence_diffs.value(), 1u);
  tick_after(2s);
  EXPECT_TRUE(diffs("r").empty()) << "no change, no diff";
}

TEST_F(PresenceMemoryTest, TheListIsWhatTheDiffsAnnounced) {
  update("s1", "alice", {"r"});
  EXPECT_TRUE(list("r").members.empty()) << "not announced yet";
  tick_after(2s);
  const PresenceList answer = list("r");
  EXPECT_FALSE(answer.counts_only);
  EXPECT_EQ(answer.count, 1u);
  ASSERT_EQ(users(answer), (std::vector<std::string>{"alice"}));
  EXPECT_EQ(answer.members[0].info, R"({"name":"N"})");
  EXPECT_EQ(answer.members[0].sessions, 1u);
}

TEST_F(PresenceMemoryTest, ALeaveGoesOutOnceTheUserWasGoneForAWindow) {
  update("s1", "alice", {"r"});
  update("s2", "bob", {"r"});
  tick_after(2s);
  published();
  update("s1", "alice", {});
  tick_after(1s);
  EXPECT_TRUE(diffs("r").empty()) << "alice may come back within the window";
  EXPECT_EQ(users(list("r")), (std::vector<std::string>{"alice", "bob"}));
  tick_after(1s);
  const auto frames = diffs("r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(users(frames[0], "leaves"), (std::vector<std::string>{"alice"}));
  EXPECT_TRUE(frames[0].at("joins").as_array().empty());
  EXPECT_EQ(users(list("r")), (std::vector<std::string>{"bob"}));
}

TEST_F(PresenceMemoryTest, AFlapWithinTheWindowPublishesNothing) {
  update("s1", "alice", {"r"});
  tick_after(2s);
  published();
  presence.remove("s1");
  tick_after(1500ms);
  update("s2", "alice", {"r"});  // reconnected as a new session
  for (int i = 0; i < 3; ++i)
    tick_after(2s);
  EXPECT_TRUE(published().empty());
  EXPECT_EQ(users(list("r")), (std::vector<std::string>{"alice"}));
}

TEST_F(PresenceMemoryTest, AJoinUndoneWithinTheWindowPublishesNothing) {
  update("s1", "alice", {"r"});
  update("s1", "alice", {});
  tick_after(2s);
  tick_after(2s);
  EXPECT_TRUE(diffs("r").empty());
  EXPECT_TRUE(list("r").members.empty());
}

TEST_F(PresenceMemoryTest, SessionsOfOneUserAreOneMember) {
  update("s1", "alice", {"r"});
  update("s2", "alice", {"r"});
  tick_after(2s);
  auto frames = diffs("r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(users(frames[0], "joins"), (std::vector<std::string>{"alice"}));
  ASSERT_EQ(list("r").members.size(), 1u);
  EXPECT_EQ(list("r").members[0].sessions, 2u);

  presence.remove("s1");
  tick_after(2s);
  tick_after(2s);
  EXPECT_TRUE(diffs("r").empty()) << "alice still has a session";
  EXPECT_EQ(list("r").members[0].sessions, 1u);

  presence.remove("s2");
  tick_after(2s);
  tick_after(2s);
  frames = diffs("r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(users(frames[0], "leaves"), (std::vector<std::string>{"alice"}));
}

TEST_F(PresenceMemoryTest, SilentSessionsExpireAfterTheTtl) {
  update("s1", "alice", {"r"});
  update("s2", "bob", {"r"});
  tick_after(2s);
  published();
  now += 7s;
  update("s2", "bob", {"r"});  // bob's refresh; alice stays silent
  tick_after(999ms);
  EXPECT_EQ(metrics.presence_entries.value(), 2);
  tick_after(1ms);  // alice: 10 s since her last update
  EXPECT_EQ(metrics.presence_entries.value(), 1);
  tick_after(2s);
  const auto frames = diffs("r");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(users(frames[0], "leaves"), (std::vector<std::string>{"alice"}));
  EXPECT_EQ(users(list("r")), (std::vector<std::string>{"bob"}));
}

TEST_F(PresenceMemoryTest, AnExpiredSessionComesBackWithItsNextUpdate) {
  update("s1", "alice", {"r"});
  tick_after(2s);
  tick_after(10s);
  EXPECT_EQ(metrics.presence_entries.value(), 0);
  update("s1", "alice", {"r"});
  EXPECT_EQ(metrics.presence_entries.value(), 1);
  tick_after(2s);
  for (int i = 0; i < 3; ++i)
    tick_after(2s);
  EXPECT_EQ(users(list("r")), (std::vector<std::string>{"alice"}));
}

TEST_F(PresenceMemoryTest, EntriesCountSessionsPerRoom) {
  update("s1", "alice", {"a", "b", "a"});
  update("s2", "alice", {"a"});
  EXPECT_EQ(metrics.presence_entries.value(), 3);
  update("s1", "alice", {"b"});
  EXPECT_EQ(metrics.presence_entries.value(), 2);
  presence.remove("s1");
  presence.remove("s2");
  presence.remove("s2");
  EXPECT_EQ(metrics.presence_entries.value(), 0);
}

TEST_F(PresenceMemoryTest, RoomsOverTheListMaximumGetCounts) {
  for (const char* user : {"a", "b", "c", "d"}) {
    const std::string session = std::string("s-") + user;
    update(session, user, {"big"});
  }
  update("s-x", "x", {"small"});
  tick_after(2s);
  const auto frames = diffs("big");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].at("count").as_int64(), 4);
  EXPECT_FALSE(frames[0].contains("joins"));
  const PresenceList big = list("big");
  EXPECT_TRUE(big.counts_only);
  EXPECT_EQ(big.count, 4u);
  EXPECT_TRUE(big.members.empty());

  const PresenceList small = list("small", true);
  EXPECT_TRUE(small.counts_only) << "counts on request";
  EXPECT_EQ(small.count, 1u);
  EXPECT_FALSE(list("small").counts_only);
}

TEST_F(PresenceMemoryTest, StatusFollowsTheUsersSessionsAcrossRooms) {
  EXPECT_FALSE(status("alice").ts_ms) << "never seen";
  const auto online_at = now;
  update("s1", "alice", {"x"});
  update("s2", "alice", {"y"});
  tick_after(2s);
  auto frames = diffs("status:alice");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].at("op").as_string(), "status");
  EXPECT_EQ(frames[0].at("user").as_string(), "alice");
  EXPECT_TRUE(frames[0].at("online").as_bool());
  const std::int64_t online_ts = frames[0].at("ts").as_int64();
  EXPECT_TRUE(status("alice").online);
  EXPECT_EQ(metrics.status_changes.value(), 1u);

  presence.remove("s1");
  tick_after(2s);
  tick_after(2s);
  EXPECT_TRUE(diffs("status:alice").empty()) << "alice is still online in y";

  now += 1s;
  const auto left_at = now;
  presence.remove("s2");
  tick_after(1s);
  EXPECT_TRUE(diffs("status:alice").empty()) << "debounced";
  tick_after(1s);
  frames = diffs("status:alice");
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_FALSE(frames[0].at("online").as_bool());
  const UserStatus offline = status("alice");
  EXPECT_FALSE(offline.online);
  ASSERT_TRUE(offline.ts_ms && offline.last_seen_ms);
  EXPECT_EQ(frames[0].at("ts").as_int64(), *offline.ts_ms);
  EXPECT_EQ(*offline.last_seen_ms, *offline.ts_ms);
  // The time is when alice left, not when the change was published.
  EXPECT_EQ(*offline.ts_ms - online_ts, (left_at - online_at) / 1ms);
}

TEST_F(PresenceMemoryTest, AReconnectWithinTheWindowKeepsTheUserOnline) {
  update("s1", "alice", {});
  tick_after(2s);
  EXPECT_EQ(diffs("status:alice").size(), 1u);
  presence.remove("s1");
  tick_after(1s);
  update("s2", "alice", {});
  for (int i = 0; i < 3; ++i)
    tick_after(2s);
  EXPECT_TRUE(diffs("status:alice").empty());
  EXPECT_TRUE(status("alice").online);
}

TEST_F(PresenceMemoryTest, ANewIdentityForASessionReplacesTheOldOne) {
  update("s1", "alice", {"r"});
  tick_after(2s);
  published();
  update("s1", "bob", {"r"});
  tick_after(2s);
  tick_after(2s);
  EXPECT_EQ(users(list("r")), (std::vector<std::string>{"bob"}));
  EXPECT_EQ(metrics.presence_entries.value(), 1);
}

}  // namespace
}  // namespace herald
