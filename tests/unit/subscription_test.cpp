// The session layer end to end on one loop: Session, Subscription, Hub, Publisher and History
// over a LocalBus, a scriptable store and the real MemoryCache (or no cache at all), driven by
// JSON text frames like a client would send them.

#include "core/subscription.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bus/bus_local.hpp"
#include "core/session.hpp"
#include "presence/presence_memory.hpp"
#include "store/cache_memory.hpp"

namespace herald {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string numbered_data(Seq seq) {
  return R"({"n":)" + std::to_string(seq) + "}";
}

std::vector<Seq> seq_range(Seq first, Seq last) {
  std::vector<Seq> out;
  for (Seq seq = first; seq <= last; ++seq)
    out.push_back(seq);
  return out;
}

// --- fakes -------------------------------------------------------------------------------------

// A transport that records what the session hands it.
class FakeOutlet final : public Outlet {
 public:
  explicit FakeOutlet(asio::any_io_executor executor) : executor_(std::move(executor)) {}

  void send(Frame frame) override {
    if (!closes.empty()) ++sent_after_close;
    if (grow) queued += frame->size();
    max_queued = std::max(max_queued, queued);
    frames.push_back(std::move(frame));
  }
  std::size_t queued_bytes() const override { return queued; }
  void close(CloseCode code, std::string_view /*reason*/) override { closes.push_back(code); }
  void when_flushed(std::function<void()> next) override {
    ++flush_waits;
    if (hold_flushes) {
      held.push_back(std::move(next));
    } else {
      post_written(std::move(next));
    }
  }

  // Lets the held when_flushed callbacks run: the queue has been written out.
  void flush() {
    for (auto& next : std::exchange(held, {}))
      post_written(std::move(next));
  }

  std::vector<Frame> frames;
  std::size_t queued = 0;  // what queued_bytes() answers
  bool grow = false;       // each frame sent adds its size to `queued`
  std::size_t max_queued = 0;
  std::vector<CloseCode> closes;
  int sent_after_close = 0;
  bool hold_flushes = false;
  int flush_waits = 0;
  std::vector<std::function<void()>> held;

 private:
  void post_written(std::function<void()> next) {
    asio::post(executor_, [this, next = std::move(next)] {
      queued = 0;
      next();
    });
  }

  asio::any_io_executor executor_;
};

// An in-memory MessageStore whose answers are delivered when the test says so.
class FakeStore final : public MessageStore {
 public:
  struct ReadCall {
    std::string room;
    Seq after;
    std::size_t limit;
  };

  // Commits a message at once, outside the publish path (no cache, no bus).
  Message put(const std::string& room, std::string id = "") {
    Room& r = rooms_[room];
    const Seq seq = ++r.head;
    Message msg{room, seq, std::move(id), numbered_data(seq), now_ms()};
    r.messages.push_back(msg);
    return msg;
  }
  Seq head(const std::string& room) { return rooms_[room].head; }
  void put_many(const std::string& room, int count) {
    for (int i = 0; i < count; ++i)
      put(room);
  }
  // Retention: forget every message older than `first_retained`.
  void trim(const std::string& room, Seq first_retained) {
    Room& r = rooms_[room];
    r.first_retained = first_retained;
    std::erase_if(r.messages, [&](const Message& m) { return m.seq < first_retained; });
  }
  std::size_t stored(const std::string& room) { return rooms_[room].messages.size(); }

  void append_batch(std::vector<AppendRequest> requests, BatchHandler done) override {
    ++appends;
    if (fail_appends) {
      pending_appends_.push_back(
          [done = std::move(done)] { done(std::make_error_code(std::errc::io_error), {}); });
      return;
    }
    std::vector<AppendResult> results;
    for (const AppendRequest& request : requests)
      results.push_back(commit(request));
    pending_appends_.push_back([done = std::move(done), results] { done({}, results); });
  }

  void read(std::string room, Seq after, std::size_t limit, ReadHandler done) override {
    reads.push_back({room, after, limit});
    PendingRead pending{room, after, limit, std::move(done), std::nullopt};
    if (snapshot_at_request) pending.snapshot = snapshot(room, after, limit);
    pending_reads_.push_back(std::move(pending));
  }

  // Completes the appends waiting now, in order; returns how many.
  std::size_t complete_appends() {
    auto pending = std::exchange(pending_appends_, {});
    for (auto& complete : pending)
      complete();
    return pending.size();
  }

  // Completes the reads waiting now, in order, with the store as it is now (unless
  // `snapshot_at_request`); returns how many.
  std::size_t complete_reads() {
    auto pending = std::exchange(pending_reads_, {});
    for (auto& read : pending) {
      if (fail_reads) {
        read.done(std::make_error_code(std::errc::io_error), StoredRange{});
        continue;
      }
      read.done({}, read.snapshot ? *read.snapshot : snapshot(read.room, read.after, read.limit));
    }
    return pending.size();
  }

  std::size_t pending_reads() const { return pending_reads_.size(); }
  std::size_t pending_appends() const { return pending_appends_.size(); }

  std::vector<ReadCall> reads;
  int appends = 0;
  bool fail_appends = false;
  bool fail_reads = false;
  bool snapshot_at_request = false;

 private:
  struct Room {
    std::vector<Message> messages;
    Seq head = 0;
    Seq first_retained = 1;
  };
  struct PendingRead {
    std::string room;
    Seq after;
    std::size_t limit;
    ReadHandler done;
    std::optional<StoredRange> snapshot;
  };

  // The commit happens now; the handler runs when the test completes it.
  AppendResult commit(const AppendRequest& request) {
    if (const auto original = find_id(request.room, request.id)) return {*original, true};
    AppendResult result{put(request.room, request.id), false};
    result.message.data = request.data;
    rooms_[request.room].messages.back().data = request.data;
    return result;
  }

  std::optional<Message> find_id(const std::string& room, const std::string& id) {
    if (id.empty()) return std::nullopt;
    for (const auto& m : rooms_[room].messages)
      if (m.id == id) return m;
    return std::nullopt;
  }

  StoredRange snapshot(const std::string& room, Seq after, std::size_t limit) {
    const Room& r = rooms_[room];
    StoredRange range;
    range.head = r.head;
    range.first_retained = r.messages.empty() ? r.head + 1 : r.messages.front().seq;
    for (const auto& m : r.messages) {
      if (range.messages.size() >= limit) break;
      if (m.seq > after) range.messages.push_back(m);
    }
    return range;
  }

  std::map<std::string, Room> rooms_;
  std::vector<std::function<void()>> pending_appends_;
  std::vector<PendingRead> pending_reads_;
};

// The real MemoryCache, or no cache at all (every read goes to the store).
class SelectableCache final : public RecentCache {
 public:
  void add(const EnvelopePtr& envelope) override {
    if (memory) memory->add(envelope);
  }
  std::optional<CachedRange> since(std::string_view room, Seq after, std::size_t limit) override {
    if (!memory) return std::nullopt;
    return memory->since(room, after, limit);
  }
  std::unique_ptr<MemoryCache> memory;
};

// --- clients -----------------------------------------------------------------------------------

json::object parse_frame(const std::string& text) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "the session sent a frame that is not a JSON object: " << text;
    return {};
  }
  return std::move(value.as_object());
}

std::string str(const json::object& frame, std::string_view key) {
  const auto* value = frame.if_contains(key);
  if (value == nullptr || !value->is_string()) {
    ADD_FAILURE() << "no string '" << key << "' in " << json::serialize(frame);
    return {};
  }
  return std::string(value->get_string());
}

Seq u64(const json::object& frame, std::string_view key) {
  const auto* value = frame.if_contains(key);
  if (value == nullptr || !(value->is_int64() || value->is_uint64())) {
    ADD_FAILURE() << "no integer '" << key << "' in " << json::serialize(frame);
    return 0;
  }
  return value->to_number<Seq>();
}

struct Client {
  Client(const SessionServices& services, asio::any_io_executor executor)
      : outlet(std::move(executor)), session(std::make_shared<Session>(services, outlet)) {}

  void send(const json::object& frame) { session->on_frame(json::serialize(frame)); }
  void join(const std::string& room, std::optional<Seq> since = std::nullopt) {
    json::object frame{{"op", "join"}, {"room", room}};
    if (since) frame["since"] = *since;
    send(frame);
  }
  void leave(const std::string& room) { send({{"op", "leave"}, {"room", room}}); }
  void publish(const std::string& room, const std::string& id, json::value data) {
    json::object frame{{"op", "publish"}, {"room", room}, {"data", std::move(data)}};
    if (!id.empty()) frame["id"] = id;
    send(frame);
  }

  std::vector<json::object> frames() const {
    std::vector<json::object> out;
    for (const auto& frame : outlet.frames)
      out.push_back(parse_frame(*frame));
    return out;
  }
  std::vector<json::object> frames(std::string_view op) const {
    std::vector<json::object> out;
    for (auto& frame : frames())
      if (str(frame, "op") == op) out.push_back(std::move(frame));
    return out;
  }
  std::vector<std::string> ops() const {
    std::vector<std::string> out;
    for (const auto& frame : frames())
      out.push_back(str(frame, "op"));
    return out;
  }
  // The ops of the frames about `room`, in order.
  std::vector<std::string> room_ops(const std::string& room) const {
    std::vector<std::string> out;
    for (const auto& frame : frames()) {
      const auto* r = frame.if_contains("room");
      if (r && r->is_string() && r->get_string() == room) out.push_back(str(frame, "op"));
    }
    return out;
  }
  std::vector<Seq> msg_seqs(const std::string& room) const {
    std::vector<Seq> out;
    for (const auto& frame : frames("msg"))
      if (str(frame, "room") == room) out.push_back(u64(frame, "seq"));
    return out;
  }
  json::object last() const {
    if (outlet.frames.empty()) {
      ADD_FAILURE() << "no frame was sent";
      return {};
    }
    return parse_frame(*outlet.frames.back());
  }

  FakeOutlet outlet;  // before the session, which refers to it
  std::shared_ptr<Session> session;
};

void expect_joined(const json::object& frame, const std::string& room, Seq head, bool recovered,
                   Seq from) {
  SCOPED_TRACE(json::serialize(frame));
  EXPECT_EQ(str(frame, "op"), "joined");
  EXPECT_EQ(str(frame, "room"), room);
  EXPECT_EQ(u64(frame, "seq"), head);
  EXPECT_EQ(frame.at("recovered"), json::value(recovered));
  EXPECT_EQ(u64(frame, "from"), from);
}

void expect_error(const json::object& frame, std::string_view code, std::string_view room = {},
                  std::string_view id = {}) {
  SCOPED_TRACE(json::serialize(frame));
  EXPECT_EQ(str(frame, "op"), "error");
  EXPECT_EQ(str(frame, "code"), code);
  EXPECT_FALSE(str(frame, "reason").empty());
  if (room.empty()) {
    EXPECT_FALSE(frame.contains("room"));
  } else {
    EXPECT_EQ(str(frame, "room"), room);
  }
  if (id.empty()) {
    EXPECT_FALSE(frame.contains("id"));
  } else {
    EXPECT_EQ(str(frame, "id"), id);
  }
}

// Every msg frame of `room` is seq first..last in order, each carrying the data numbered with
// its seq (so it is that message, not just its number).
void expect_msgs(const Client& client, const std::string& room, Seq first, Seq last) {
  EXPECT_EQ(client.msg_seqs(room), seq_range(first, last));
  for (const auto& frame : client.frames("msg")) {
    if (str(frame, "room") != room) continue;
    SCOPED_TRACE(json::serialize(frame));
    EXPECT_EQ(frame.at("data"), json::parse(numbered_data(u64(frame, "seq"))));
    EXPECT_GT(u64(frame, "ts"), 0u);
  }
}

// --- fixture -----------------------------------------------------------------------------------

enum class CachePath { store_only, memory_cache };

std::string to_string(CachePath path) {
  return path == CachePath::store_only ? "StoreOnly" : "MemoryCache";
}

class SessionFixture : public ::testing::Test {
 protected:
  // Settings a test may change before its first connect().
  Limits limits;
  std::size_t page_size = 100;
  void use_memory_cache(MemoryCacheOptions options = {}) {
    cache.memory = std::make_unique<MemoryCache>(options);
  }

  // A client that said hello and got its welcome.
  Client& connect() {
    Client& client = connect_silent();
    client.send({{"op", "hello"}, {"client", "test/1"}});
    EXPECT_EQ(client.ops(), (std::vector<std::string>{"welcome"}));
    return client;
  }
  Client& connect_silent() {
    if (!services) {
      history.emplace(cache, store, page_size);
      services = std::make_unique<SessionServices>(SessionServices{
          io.get_executor(), hub, bus, presence, publisher, *history, metrics, limits});
    }
    clients.push_back(std::make_unique<Client>(*services, io.get_executor()));
    return *clients.back();
  }

  // Runs the loop until it has nothing ready.
  std::size_t run() {
    io.restart();
    return io.poll();
  }
  // Runs the loop and completes every store call until nothing moves. Held flushes stay held.
  void settle() {
    for (int round = 0; round < 1000; ++round) {
      std::size_t moved = run();
      moved += store.complete_reads();
      moved += store.complete_appends();
      if (moved == 0) return;
    }
    FAIL() << "the session never settled";
  }

  // Publishes `count` messages through the durable path (store, cache, bus) as a backend would.
  void publish(const std::string& room, int count) {
    for (int i = 0; i < count; ++i) {
      publisher.publish({room, "", numbered_data(store.head(room) + 1)},
                        [](std::error_code, const Message&, bool) {});
      store.complete_appends();
    }
  }

  // Commits messages up to `last` the way the publisher would (store, then cache) but lets the
  // bus carry only the last one: the bus lost the others.
  EnvelopePtr commit_and_lose_on_bus(const std::string& room, int count) {
    EnvelopePtr last;
    for (int i = 0; i < count; ++i) {
      last = make_envelope(store.put(room));
      cache.add(last);
    }
    bus.publish(last);
    return last;
  }

  std::size_t protocol_errors(ProtocolError code) const {
    return metrics.protocol_errors[static_cast<std::size_t>(code)].value();
  }

  asio::io_context io;
  LocalBus bus;
  Metrics metrics;
  MemoryPresence presence{bus, metrics, {}};
  FakeStore store;
  SelectableCache cache;
  Hub hub{io.get_executor(), bus, metrics};
  Publisher publisher{store, cache, bus};
  std::optional<History> history;
  std::unique_ptr<SessionServices> services;
  std::vector<std::unique_ptr<Client>> clients;
};

// Runs on both read paths: the MemoryCache in front of the store, and the store alone.
class ResumeTest : public SessionFixture, public ::testing::WithParamInterface<CachePath> {
 protected:
  ResumeTest() {
    if (GetParam() == CachePath::memory_cache) use_memory_cache();
  }
};

INSTANTIATE_TEST_SUITE_P(subscription, ResumeTest,
                         ::testing::Values(CachePath::store_only, CachePath::memory_cache),
                         [](const auto& info) { return to_string(info.param); });

// Suite names are lower case so that `ctest -R subscription` selects them.
using subscription = SessionFixture;

// === resume ====================================================================================

TEST_P(ResumeTest, LiveOnlyJoinGetsTheHeadThenOnlyNewerMessages) {
  publish("r", 3);
  Client& c = connect();
  c.join("r");
  settle();
  ASSERT_EQ(c.frames("joined").size(), 1u);
  expect_joined(c.frames("joined")[0], "r", 3, true, 4);
  EXPECT_TRUE(c.msg_seqs("r").empty());

  publish("r", 2);
  settle();
  expect_msgs(c, "r", 4, 5);
  EXPECT_EQ(c.room_ops("r").front(), "joined");
}

TEST_P(ResumeTest, LiveOnlyJoinOfAnEmptyRoom) {
  Client& c = connect();
  c.join("r");
  settle();
  expect_joined(c.last(), "r", 0, true, 1);
  publish("r", 1);
  settle();
  expect_msgs(c, "r", 1, 1);
}

TEST_P(ResumeTest, JoinSinceReplaysWhatWasMissedThenGoesLive) {
  publish("r", 5);
  Client& c = connect();
  c.join("r", 2);
  settle();
  expect_joined(c.frames("joined").at(0), "r", 5, true, 3);
  expect_msgs(c, "r", 3, 5);

  publish("r", 2);
  settle();
  expect_msgs(c, "r", 3, 7);
  EXPECT_EQ(metrics.messages_out.value(), 5u);
}

TEST_P(ResumeTest, SinceZeroReplaysEverything) {
  publish("r", 3);
  Client& c = connect();
  c.join("r", 0);
  settle();
  expect_joined(c.frames("joined").at(0), "r", 3, true, 1);
  expect_msgs(c, "r", 1, 3);
}

TEST_P(ResumeTest, SinceZeroOfAnEmptyRoom) {
  Client& c = connect();
  c.join("r", 0);
  settle();
  expect_joined(c.last(), "r", 0, true, 1);
  publish("r", 2);
  settle();
  expect_msgs(c, "r", 1, 2);
}

TEST_P(ResumeTest, MessagesPublishedDuringTheJoinAreSentOnceInOrder) {
  publish("r", 5);
  Client& c = connect();
  c.join("r", 2);
  // Before the loop runs: the hub is subscribed, these reach the session's buffer, and the
  // history read (cache or store) sees them as well.
  publish("r", 2);
  settle();
  expect_joined(c.frames("joined").at(0), "r", 7, true, 3);
  expect_msgs(c, "r", 3, 7);

  publish("r", 1);
  settle();
  expect_msgs(c, "r", 3, 8);
  EXPECT_EQ(c.room_ops("r").front(), "joined");
}

TEST_P(ResumeTest, SinceAtTheHeadReplaysNothing) {
  publish("r", 4);
  Client& c = connect();
  c.join("r", 4);
  settle();
  expect_joined(c.last(), "r", 4, true, 5);
  EXPECT_TRUE(c.msg_seqs("r").empty());
  publish("r", 1);
  settle();
  expect_msgs(c, "r", 5, 5);
}

TEST_P(ResumeTest, SinceBeyondTheHeadIsNotRecovered) {
  publish("r", 3);
  Client& c = connect();
  c.join("r", 7);
  settle();
  expect_joined(c.last(), "r", 3, false, 4);
  EXPECT_TRUE(c.msg_seqs("r").empty());
  publish("r", 1);
  settle();
  expect_msgs(c, "r", 4, 4);
}

TEST_P(ResumeTest, SinceOlderThanRetentionIsNotRecovered) {
  store.put_many("r", 10);
  store.trim("r", 6);
  Client& c = connect();
  c.join("r", 2);
  settle();
  expect_joined(c.frames("joined").at(0), "r", 10, false, 6);
  expect_msgs(c, "r", 6, 10);
}

TEST_P(ResumeTest, SinceJustBeforeRetentionIsRecovered) {
  store.put_many("r", 10);
  store.trim("r", 6);
  Client& c = connect();
  c.join("r", 5);
  settle();
  expect_joined(c.frames("joined").at(0), "r", 10, true, 6);
  expect_msgs(c, "r", 6, 10);
}

TEST_P(ResumeTest, LongReplayIsPagedAndEachPageWaitsForTheFlush) {
  page_size = 3;
  // History serves a cached range in one page only if the page holds what the cache does.
  if (cache.memory) use_memory_cache({.max_messages = 3});
  publish("r", 10);
  Client& c = connect();
  c.outlet.hold_flushes = true;
  c.join("r", 0);
  settle();
  expect_joined(c.frames("joined").at(0), "r", 10, true, 1);
  expect_msgs(c, "r", 1, 3);
  EXPECT_EQ(c.outlet.held.size(), 1u);
  EXPECT_EQ(store.pending_reads(), 0u) << "the next page waits for the flush";

  publish("r", 2);  // live while the replay is under way: buffered
  settle();
  expect_msgs(c, "r", 1, 3);

  int pages = 1;
  while (!c.outlet.held.empty() && pages < 20) {
    const auto before = c.msg_seqs("r").size();
    c.outlet.flush();
    settle();
    EXPECT_GT(c.msg_seqs("r").size(), before);
    EXPECT_LE(c.msg_seqs("r").size(), before + page_size);
    ++pages;
  }
  EXPECT_EQ(pages, 4);
  expect_msgs(c, "r", 1, 12);
  EXPECT_EQ(c.frames("joined").size(), 1u);

  publish("r", 1);
  settle();
  expect_msgs(c, "r", 1, 13);
  for (const auto& read : store.reads)
    EXPECT_LE(read.limit, page_size);
}

TEST_P(ResumeTest, ReplayWaitsWhileTheQueueIsHalfFull) {
  limits.outbound_queue_bytes = 1000;
  publish("r", 5);
  Client& c = connect();
  c.outlet.hold_flushes = true;
  c.outlet.queued = 500;  // half the limit: the replay waits for the queue to be written
  c.join("r", 0);
  settle();
  expect_joined(c.frames("joined").at(0), "r", 5, true, 1);
  EXPECT_TRUE(c.msg_seqs("r").empty());
  EXPECT_EQ(c.outlet.held.size(), 1u);

  c.outlet.flush();
  settle();
  expect_msgs(c, "r", 1, 5);
  EXPECT_TRUE(c.outlet.closes.empty());
}

TEST_P(ResumeTest, ALongReplayNeverFillsTheQueue) {
  limits.outbound_queue_bytes = 400;  // a handful of msg frames
  publish("r", 20);
  Client& c = connect();
  c.outlet.grow = true;
  c.outlet.hold_flushes = true;
  c.join("r", 0);
  settle();
  int flushes = 0;
  while (!c.outlet.held.empty() && flushes < 100) {
    c.outlet.flush();
    settle();
    ++flushes;
  }
  expect_msgs(c, "r", 1, 20);
  EXPECT_TRUE(c.outlet.closes.empty());
  EXPECT_GT(flushes, 2) << "the replay went out in several parts";
  EXPECT_LE(c.outlet.max_queued, limits.outbound_queue_bytes);
  EXPECT_EQ(c.frames("joined").size(), 1u);

  publish("r", 1);
  settle();
  expect_msgs(c, "r", 1, 21);
}

TEST_P(ResumeTest, ALiveGapIsFilledFromHistory) {
  publish("r", 3);
  Client& c = connect();
  c.join("r");
  settle();
  publish("r", 1);
  settle();
  expect_msgs(c, "r", 4, 4);

  commit_and_lose_on_bus("r", 2);  // 5 is lost, 6 arrives
  settle();
  EXPECT_EQ(metrics.gaps_detected.value(), 1u);
  expect_msgs(c, "r", 4, 6);

  publish("r", 1);
  settle();
  expect_msgs(c, "r", 4, 7);
}

TEST_P(ResumeTest, ALongLiveGapIsFilledPageByPage) {
  page_size = 2;
  if (cache.memory) use_memory_cache({.max_messages = 2});
  Client& c = connect();
  c.join("r");
  settle();
  publish("r", 1);
  settle();
  commit_and_lose_on_bus("r", 6);  // 2..6 lost, 7 arrives
  settle();
  expect_msgs(c, "r", 1, 7);
  EXPECT_GE(c.outlet.flush_waits, 2);
}

TEST_P(ResumeTest, LiveMessagesDuringAGapFillAreSentOnce) {
  Client& c = connect();
  c.join("r");
  settle();
  publish("r", 1);
  settle();
  commit_and_lose_on_bus("r", 2);  // 2 lost, 3 arrives
  run();                           // the gap is seen; history is being read
  publish("r", 2);
  settle();
  expect_msgs(c, "r", 1, 5);
}

TEST_P(ResumeTest, TwoSessionsResumeIndependently) {
  publish("r", 4);
  Client& a = connect();
  Client& b = connect();
  a.join("r", 1);
  b.join("r");
  settle();
  publish("r", 1);
  settle();
  expect_msgs(a, "r", 2, 5);
  expect_msgs(b, "r", 5, 5);
  // One encoded frame for every recipient.
  EXPECT_EQ(a.outlet.frames.back().get(), b.outlet.frames.back().get());
}

TEST_P(ResumeTest, RoomsAreIndependent) {
  publish("a", 2);
  publish("b", 3);
  Client& c = connect();
  c.join("a", 0);
  c.join("b", 1);
  settle();
  publish("a", 1);
  publish("b", 1);
  settle();
  expect_msgs(c, "a", 1, 3);
  expect_msgs(c, "b", 2, 4);
}

// === the store path in detail ==================================================================

TEST_F(subscription, MessagesPublishedWhileTheReadIsPendingAreReplayedAndBufferedButSentOnce) {
  store.put_many("r", 5);
  Client& c = connect();
  c.join("r", 2);
  run();
  ASSERT_EQ(store.pending_reads(), 1u);
  EXPECT_EQ(store.reads.at(0).after, 2u);
  EXPECT_TRUE(c.frames("joined").empty()) << "joined waits for the history";

  publish("r", 2);  // 6, 7: buffered now, and in the snapshot the read will return
  run();
  EXPECT_TRUE(c.msg_seqs("r").empty()) << "nothing goes out before the replay";

  EXPECT_EQ(store.complete_reads(), 1u);
  run();
  expect_joined(c.frames("joined").at(0), "r", 7, true, 3);
  expect_msgs(c, "r", 3, 7);
  EXPECT_EQ(c.room_ops("r").front(), "joined");

  publish("r", 1);
  run();
  expect_msgs(c, "r", 3, 8);
}

TEST_F(subscription, ASnapshotOlderThanTheBufferIsCompletedFromTheBuffer) {
  store.snapshot_at_request = true;
  store.put_many("r", 5);
  Client& c = connect();
  c.join("r", 2);
  run();  // the read is taken now: head 5
  publish("r", 2);
  run();
  store.complete_reads();
  run();
  expect_joined(c.frames("joined").at(0), "r", 5, true, 3);
  expect_msgs(c, "r", 3, 7);
}

TEST_F(subscription, AGapInsideTheBufferIsFilledFromHistory) {
  store.snapshot_at_request = true;
  store.put_many("r", 5);
  Client& c = connect();
  c.join("r", 2);
  run();                           // the read is taken now: head 5
  publish("r", 1);                 // 6 is buffered
  commit_and_lose_on_bus("r", 2);  // 7 is lost, 8 is buffered
  run();
  store.complete_reads();
  run();
  EXPECT_EQ(c.msg_seqs("r"), seq_range(3, 6)) << "6 follows the replay, 8 does not";
  ASSERT_EQ(store.pending_reads(), 1u) << "the hole before 8 is read from history";
  EXPECT_EQ(store.reads.back().after, 6u);
  settle();
  expect_msgs(c, "r", 3, 8);
  EXPECT_EQ(c.frames("joined").size(), 1u);
}

TEST_F(subscription, RetentionBetweenPagesIsAnnounced) {
  page_size = 3;
  store.put_many("r", 10);
  Client& c = connect();
  c.outlet.hold_flushes = true;
  c.join("r", 0);
  settle();
  expect_msgs(c, "r", 1, 3);
  store.trim("r", 7);  // 4..6 expire before the next page
  while (!c.outlet.held.empty()) {
    c.outlet.flush();
    settle();
  }
  EXPECT_EQ(c.msg_seqs("r"), (std::vector<Seq>{1, 2, 3, 7, 8, 9, 10}));
  const auto joined = c.frames("joined");
  ASSERT_EQ(joined.size(), 2u);
  expect_joined(joined[0], "r", 10, true, 1);
  expect_joined(joined[1], "r", 10, false, 7);
  // The second joined comes right before seq 7.
  const auto ops = c.room_ops("r");
  const std::vector<std::string> expected = {"joined", "msg", "msg", "msg", "joined",
                                             "msg",    "msg", "msg", "msg"};
  EXPECT_EQ(ops, expected);
}

TEST_F(subscription, HistoryFailureClosesWithInternalError) {
  store.put_many("r", 3);
  Client& c = connect();
  c.join("r", 0);
  run();
  store.fail_reads = true;
  store.complete_reads();
  run();
  EXPECT_EQ(c.outlet.closes, (std::vector<CloseCode>{CloseCode::internal_error}));
  EXPECT_TRUE(c.frames("joined").empty());
  EXPECT_FALSE(c.session->open());
  run();
  EXPECT_EQ(hub.room_count(), 0u) << "a closed session leaves its rooms";
}

// A drain that stops at a hole keeps only what follows it, and counts only that against the
// limit: what it sent is no longer buffered.
TEST_F(subscription, APartialDrainCountsOnlyWhatStaysBuffered) {
  store.snapshot_at_request = true;
  Client& c = connect();
  c.join("r");
  settle();
  publish("r", 1);
  settle();
  commit_and_lose_on_bus("r", 2);  // 2 lost, 3 buffered; history read after 1 (head 3)
  run();
  const EnvelopePtr five = commit_and_lose_on_bus("r", 2);  // 4 lost, 5 buffered
  run();
  store.complete_reads();  // replays 2, 3; the buffer keeps 5, which waits for 4
  run();
  ASSERT_EQ(c.msg_seqs("r"), seq_range(1, 3));
  ASSERT_EQ(store.pending_reads(), 1u);

  // The buffer holds 5; 6 makes it exactly the limit, which is not over it.
  const EnvelopePtr six = make_envelope(store.put("r"));
  limits.outbound_queue_bytes = five->frame->size() + six->frame->size();
  bus.publish(six);
  run();
  EXPECT_TRUE(c.outlet.closes.empty())
      << "closed although the buffer held " << limits.outbound_queue_bytes << " bytes, the limit";
  settle();
  expect_msgs(c, "r", 1, 6);
}

// === leave =====================================================================================

TEST_F(subscription, LeaveStopsDeliveryAndAnswersLeft) {
  Client& c = connect();
  c.join("r");
  settle();
  publish("r", 1);
  settle();
  c.leave("r");
  const auto left = c.last();
  EXPECT_EQ(str(left, "op"), "left");
  EXPECT_EQ(str(left, "room"), "r");
  EXPECT_EQ(hub.room_count(), 0u);
  EXPECT_EQ(metrics.leaves.value(), 1u);

  publish("r", 2);
  settle();
  expect_msgs(c, "r", 1, 1);
  EXPECT_EQ(str(c.last(), "op"), "left");
}

TEST_F(subscription, LeaveWhileTheHistoryIsPendingSendsNothingMore) {
  store.put_many("r", 3);
  Client& c = connect();
  c.join("r", 0);
  run();
  ASSERT_EQ(store.pending_reads(), 1u);
  c.leave("r");
  publish("r", 1);
  settle();
  EXPECT_EQ(c.ops(), (std::vector<std::string>{"welcome", "left"}));

  c.join("r", 2);  // and the room can be joined again
  settle();
  expect_joined(c.frames("joined").at(0), "r", 4, true, 3);
  expect_msgs(c, "r", 3, 4);
}

TEST_F(subscription, LeavingOneRoomKeepsTheOthers) {
  Client& c = connect();
  c.join("a");
  c.join("b");
  settle();
  c.leave("a");
  publish("a", 1);
  publish("b", 1);
  settle();
  EXPECT_TRUE(c.msg_seqs("a").empty());
  expect_msgs(c, "b", 1, 1);
}

TEST_F(subscription, StopLeavesEveryRoom) {
  Client& c = connect();
  c.join("a");
  c.join("b");
  settle();
  ASSERT_EQ(hub.room_count(), 2u);
  const auto sent = c.outlet.frames.size();
  c.session->stop();
  EXPECT_EQ(hub.room_count(), 0u);
  publish("a", 1);
  c.join("c");
  settle();
  EXPECT_EQ(c.outlet.frames.size(), sent);
}

// === refused frames ============================================================================

TEST_F(subscription, WelcomeDescribesTheSession) {
  limits.max_rooms = 9;
  limits.heartbeat = std::chrono::milliseconds(1234);
  Client& c = connect();
  const auto welcome = c.frames().at(0);
  EXPECT_EQ(u64(welcome, "version"), 1u);
  const auto session = str(welcome, "session");
  EXPECT_EQ(session.size(), 32u);  // 128 random bits in hex
  EXPECT_EQ(session.find_first_not_of("0123456789abcdef"), std::string::npos) << session;
  EXPECT_EQ(u64(welcome, "heartbeat_ms"), 1234u);
  EXPECT_EQ(u64(welcome.at("limits").as_object(), "max_rooms"), 9u);
  EXPECT_NE(str(connect().frames().at(0), "session"), session) << "each session has its own id";
}

TEST_F(subscription, EveryFrameButHelloNeedsHelloFirst) {
  Client& c = connect_silent();
  c.join("r");
  expect_error(c.last(), "hello_required");
  c.publish("r", "m1", 1);
  expect_error(c.last(), "hello_required");
  c.leave("r");
  expect_error(c.last(), "hello_required");
  EXPECT_EQ(protocol_errors(ProtocolError::hello_required), 3u);
  EXPECT_EQ(store.appends, 0);
  EXPECT_EQ(hub.room_count(), 0u);

  c.send({{"op", "hello"}});
  EXPECT_EQ(str(c.last(), "op"), "welcome");
  c.join("r");
  settle();
  expect_joined(c.last(), "r", 0, true, 1);
}

TEST_F(subscription, MalformedFramesAreAnsweredAndTheSessionGoesOn) {
  Client& c = connect();
  c.session->on_frame("not json");
  expect_error(c.last(), "bad_json");
  c.session->on_frame("[1]");
  expect_error(c.last(), "bad_json");
  c.session->on_frame(R"({"op":"dance"})");
  expect_error(c.last(), "unknown_op");
  c.session->on_frame(R"({"op":"join","room":"no spaces"})");
  expect_error(c.last(), "bad_room", "no spaces");
  c.session->on_frame(R"({"op":"join","room":"r","since":-1})");
  expect_error(c.last(), "bad_frame", "r");
  c.session->on_frame(R"({"op":"publish","room":"r","id":"m1"})");
  expect_error(c.last(), "bad_frame", "r", "m1");
  EXPECT_EQ(protocol_errors(ProtocolError::bad_json), 2u);
  EXPECT_EQ(protocol_errors(ProtocolError::unknown_op), 1u);
  EXPECT_EQ(protocol_errors(ProtocolError::bad_room), 1u);
  EXPECT_EQ(protocol_errors(ProtocolError::bad_frame), 2u);
  EXPECT_TRUE(c.outlet.closes.empty());
  EXPECT_EQ(hub.room_count(), 0u);

  c.join("r");
  settle();
  expect_joined(c.last(), "r", 0, true, 1);
}

TEST_F(subscription, AlreadyJoined) {
  Client& c = connect();
  c.join("r");
  c.join("r", 0);
  expect_error(c.last(), "already_joined", "r");
  settle();
  EXPECT_EQ(c.frames("joined").size(), 1u);
  publish("r", 1);
  settle();
  expect_msgs(c, "r", 1, 1);
  EXPECT_EQ(protocol_errors(ProtocolError::already_joined), 1u);
}

TEST_F(subscription, NotJoined) {
  Client& c = connect();
  c.leave("r");
  expect_error(c.last(), "not_joined", "r");
  EXPECT_EQ(protocol_errors(ProtocolError::not_joined), 1u);
  EXPECT_EQ(metrics.leaves.value(), 0u);
}

TEST_F(subscription, TooManyRooms) {
  limits.max_rooms = 2;
  Client& c = connect();
  c.join("a");
  c.join("b");
  c.join("c");
  expect_error(c.last(), "too_many_rooms", "c");
  settle();
  EXPECT_EQ(c.frames("joined").size(), 2u);
  EXPECT_EQ(hub.room_count(), 2u);
  EXPECT_EQ(protocol_errors(ProtocolError::too_many_rooms), 1u);

  c.leave("a");
  c.join("c");
  settle();
  expect_joined(c.last(), "c", 0, true, 1);
}

TEST_F(subscription, RateLimitedPublishIsNotStored) {
  limits.publish_rate = 0.001;  // one token every 1000 s: none comes back during the test
  limits.publish_burst = 2;
  Client& c = connect();
  c.publish("r", "p1", 1);
  c.publish("r", "p2", 2);
  c.publish("r", "p3", 3);
  const auto error = c.last();
  expect_error(error, "rate_limited", "r", "p3");
  const Seq retry = u64(error, "retry_after_ms");
  EXPECT_GT(retry, 900'000u);
  EXPECT_LE(retry, 1'000'001u);
  EXPECT_EQ(store.appends, 2);
  EXPECT_EQ(protocol_errors(ProtocolError::rate_limited), 1u);

  settle();
  const auto acks = c.frames("ack");
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(str(acks[0], "id"), "p1");
  EXPECT_EQ(str(acks[1], "id"), "p2");
}

// === slow consumers ============================================================================

TEST_F(subscription, AFullOutboundQueueClosesTheSession) {
  limits.outbound_queue_bytes = 1000;
  Client& c = connect();
  c.join("r");
  settle();
  c.outlet.queued = 1000;  // at the limit is still fine
  publish("r", 1);
  settle();
  EXPECT_TRUE(c.outlet.closes.empty());

  c.outlet.queued = 1001;
  publish("r", 1);
  settle();
  EXPECT_EQ(c.outlet.closes, (std::vector<CloseCode>{CloseCode::slow_consumer}));
  EXPECT_EQ(metrics.slow_consumer_closes.value(), 1u);
  EXPECT_FALSE(c.session->open());
  EXPECT_EQ(hub.room_count(), 0u);

  const auto sent = c.outlet.frames.size();
  publish("r", 3);
  c.join("other");
  c.publish("r", "late", 1);
  settle();
  EXPECT_EQ(c.outlet.frames.size(), sent) << "nothing is sent after the close";
  EXPECT_EQ(c.outlet.closes.size(), 1u);
  EXPECT_EQ(c.outlet.sent_after_close, 0);
  EXPECT_EQ(metrics.slow_consumer_closes.value(), 1u);
}

TEST_F(subscription, TooMuchBufferedDuringReplayClosesTheSession) {
  limits.outbound_queue_bytes = 300;  // a few msg frames
  store.put_many("r", 1);
  Client& c = connect();
  c.join("r", 0);
  run();
  ASSERT_EQ(store.pending_reads(), 1u);
  publish("r", 10);  // buffered while the read is pending
  run();
  EXPECT_EQ(c.outlet.closes, (std::vector<CloseCode>{CloseCode::slow_consumer}));
  EXPECT_EQ(metrics.slow_consumer_closes.value(), 1u);
  settle();
  EXPECT_TRUE(c.frames("joined").empty());
  EXPECT_TRUE(c.msg_seqs("r").empty());
  EXPECT_EQ(hub.room_count(), 0u);
}

// === publish ===================================================================================

TEST_F(subscription, AckComesAfterTheCommit) {
  Client& c = connect();  // publishing does not need a join
  c.publish("r", "c9-1", json::object{{"text", "anyone?"}});
  run();
  EXPECT_EQ(store.pending_appends(), 1u);
  EXPECT_TRUE(c.frames("ack").empty()) << "no ack before the commit";

  store.complete_appends();
  EXPECT_TRUE(c.frames("ack").empty()) << "the ack is sent from the session's loop";
  run();
  const auto ack = c.last();
  EXPECT_EQ(str(ack, "op"), "ack");
  EXPECT_EQ(str(ack, "id"), "c9-1");
  EXPECT_EQ(str(ack, "room"), "r");
  EXPECT_EQ(u64(ack, "seq"), 1u);
  EXPECT_EQ(ack.at("duplicate"), json::value(false));
}

TEST_F(subscription, PublishReachesMembersWithIdAndData) {
  Client& member = connect();
  member.join("r");
  settle();
  Client& sender = connect();
  sender.publish("r", "c9-1", json::object{{"text", "anyone?"}});
  sender.publish("r", "", json::array{1, "two", nullptr});
  settle();

  const auto msgs = member.frames("msg");
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(u64(msgs[0], "seq"), 1u);
  EXPECT_EQ(str(msgs[0], "id"), "c9-1");
  EXPECT_EQ(msgs[0].at("data"), json::parse(R"({"text":"anyone?"})"));
  EXPECT_GT(u64(msgs[0], "ts"), 0u);
  EXPECT_EQ(u64(msgs[1], "seq"), 2u);
  EXPECT_TRUE(msgs[1].at("id").is_null());
  EXPECT_EQ(msgs[1].at("data"), json::parse(R"([1,"two",null])"));

  const auto acks = sender.frames("ack");
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_TRUE(acks[1].at("id").is_null());
  EXPECT_EQ(u64(acks[1], "seq"), 2u);
}

TEST_F(subscription, PublisherInTheRoomGetsItsMessageAndItsAck) {
  Client& c = connect();
  c.join("r");
  settle();
  c.publish("r", "own", 5);
  settle();
  EXPECT_EQ(c.msg_seqs("r"), (std::vector<Seq>{1}));
  ASSERT_EQ(c.frames("ack").size(), 1u);
  EXPECT_EQ(u64(c.frames("ack")[0], "seq"), 1u);
}

TEST_F(subscription, ADuplicateIdIsAckedWithTheOriginalSeq) {
  Client& member = connect();
  member.join("r");
  settle();
  Client& c = connect();
  c.publish("r", "m1", 1);
  settle();
  c.publish("r", "m2", 2);
  settle();
  c.publish("r", "m1", 1);  // a retry
  settle();

  const auto acks = c.frames("ack");
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(u64(acks[0], "seq"), 1u);
  EXPECT_EQ(acks[0].at("duplicate"), json::value(false));
  EXPECT_EQ(u64(acks[1], "seq"), 2u);
  EXPECT_EQ(str(acks[2], "id"), "m1");
  EXPECT_EQ(u64(acks[2], "seq"), 1u);
  EXPECT_EQ(acks[2].at("duplicate"), json::value(true));
  EXPECT_EQ(store.stored("r"), 2u);
  EXPECT_EQ(member.msg_seqs("r"), (std::vector<Seq>{1, 2})) << "a retry is not delivered again";
}

TEST_F(subscription, AFailedCommitIsAnsweredUnavailable) {
  Client& member = connect();
  member.join("r");
  settle();
  store.fail_appends = true;
  Client& c = connect();
  c.publish("r", "m1", 1);
  settle();
  expect_error(c.last(), "unavailable", "r", "m1");
  EXPECT_TRUE(c.frames("ack").empty());
  EXPECT_TRUE(member.msg_seqs("r").empty());
  EXPECT_TRUE(c.outlet.closes.empty());
}

TEST_F(subscription, AnAckForAGoneSessionIsDropped) {
  Client& c = connect();
  c.publish("r", "m1", 1);
  c.session.reset();  // the connection went away before the commit
  settle();
  EXPECT_EQ(store.stored("r"), 1u);
  EXPECT_TRUE(c.frames("ack").empty());
}

// A shared cache can lag the bus (its write failed or is late). The gap must then be read from
// the store rather than from the cache again and again.
TEST_F(subscription, AGapTheCacheCannotFillIsReadFromTheStore) {
  use_memory_cache();
  publish("r", 3);
  Client& c = connect();
  c.join("r");
  settle();
  // 4 and 5 are committed but reach neither the cache nor the bus; 6 reaches only the bus.
  store.put("r");
  store.put("r");
  bus.publish(make_envelope(store.put("r")));
  settle();
  expect_msgs(c, "r", 4, 6);
  EXPECT_EQ(c.frames("joined").size(), 1u) << "nothing was lost, so nothing is announced";
}

// An envelope whose predecessors history does not have (a bus ahead of a store that lost them)
// is delivered after a `joined` that says where the hole is, instead of waiting forever.
TEST_F(subscription, AHoleHistoryCannotFillIsAnnounced) {
  publish("r", 2);
  Client& c = connect();
  c.join("r");
  settle();
  Message ahead{"r", 5, "", numbered_data(5), 1};
  bus.publish(make_envelope(ahead));
  settle();
  EXPECT_EQ(c.msg_seqs("r"), (std::vector<Seq>{5}));
  const auto joined = c.frames("joined");
  ASSERT_EQ(joined.size(), 2u);
  expect_joined(joined[1], "r", 5, false, 5);
}

}  // namespace
}  // namespace herald
