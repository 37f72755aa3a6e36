// Resume: `since` gets exactly the messages after it, a graceful restart costs clients nothing,
// retention is reported honestly, and the server API publish is idempotent, one message or a batch.

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

namespace web = boost::beast::http;

// Reads msg frames into `log` until it holds `count` of `room`; anything else is a problem.
void read_msgs(WsProbe& probe, DeliveryLog& log, const std::string& room, std::size_t count) {
  while (log.count(room) < count) {
    const auto frame = probe.next();
    if (!frame || str(*frame, "op") != "msg") {
      return log.problem(frame ? "unexpected " + json::serialize(*frame)
                               : "connection ended: " + probe.error());
    }
    log.msg(*frame);
  }
}

// A probe joined to `room` with `since`: checks its `joined`, then that exactly the messages
// from `from` to the head come, and nothing else.
struct Resumer {
  Resumer(unsigned short port, const std::string& room, std::optional<std::int64_t> since)
      : probe(port) {
    probe.hello();
    joined = probe.join(room, since);
    log.joined(room, num(joined, "from"), true);
  }
  WsProbe probe;
  json::object joined;
  DeliveryLog log;
};

TEST(Resume, SinceGetsExactlyTheMessagesAfterIt) {
  ServerProcess server;
  server.start();
  Api api(server);
  const std::string room = "resume-since";
  std::vector<std::uint64_t> expected = publish_many(api, room, 100);

  struct Case {
    std::optional<std::int64_t> since;
    bool recovered;
    std::int64_t from;
  };
  const std::vector<Case> cases = {
      {40, true, 41}, {0, true, 1}, {500, false, 101}, {std::nullopt, true, 101}, {100, true, 101}};
  std::vector<std::unique_ptr<Resumer>> resumers;
  for (const Case& c : cases) {
    SCOPED_TRACE("since " + (c.since ? std::to_string(*c.since) : "absent"));
    auto& r = resumers.emplace_back(std::make_unique<Resumer>(server.port(), room, c.since));
    EXPECT_EQ(num(r->joined, "seq"), 100) << json::serialize(r->joined);
    EXPECT_EQ(r->joined.at("recovered").as_bool(), c.recovered) << json::serialize(r->joined);
    EXPECT_EQ(num(r->joined, "from"), c.from) << json::serialize(r->joined);
    read_msgs(r->probe, r->log, room, static_cast<std::size_t>(101 - c.from));
  }
  // One more message: it must be the very next frame each of them gets.
  expected = publish_many(api, room, 1, expected);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("since " + (cases[i].since ? std::to_string(*cases[i].since) : "absent"));
    Resumer& r = *resumers[i];
    read_msgs(r.probe, r.log, room, static_cast<std::size_t>(102 - cases[i].from));
    EXPECT_TRUE(r.log.problems().empty()) << r.log.problems_text();
    EXPECT_TRUE(r.log.delivered(room, expected, cases[i].from));
  }
}

TEST(Resume, ClientsResumeWithoutGapOrDuplicateAcrossAGracefulRestart) {
  constexpr int kSubscribers = 3;
  constexpr int kMessages = 600;
  ServerProcess server({"--publish-rate", "1000000", "--publish-burst", "1000000"});
  server.start();
  const std::vector<std::string> rooms = {"resume-restart"};

  boost::asio::io_context io;
  std::vector<std::unique_ptr<Subscriber>> subscribers;
  for (int i = 0; i < kSubscribers; ++i)
    subscribers.push_back(std::make_unique<Subscriber>(io, server.ws_url(), rooms, Seq{0}));
  ASSERT_TRUE(run_until(io, [&] {
    return std::all_of(subscribers.begin(), subscribers.end(),
                       [](const auto& s) { return s->joins == 1; });
  })) << "subscribers did not join within 60 s";

  // A raw member too, to see the close code itself.
  std::atomic<int> probe_close = -1;
  std::string probe_error;
  std::thread probe_thread([&] {
    try {
      WsProbe probe(server.port());
      probe.hello();
      probe.join(rooms[0]);
      std::deque<json::object> frames;
      probe_close = probe.read_until_close(frames, 120s);
      probe_error = probe.error();
    } catch (const std::exception& e) {
      probe_error = e.what();
      probe_close = 0;
    }
  });

  TrackedPublisher publisher(io, server.ws_url(), rooms, kMessages, 20);
  publisher.start();
  ASSERT_TRUE(run_until(io, [&] { return publisher.acked() >= kMessages / 3; }));

  // SIGTERM, while the clients keep running on this thread to see their close frames.
  // (start() stays on this thread: the server dies with the thread that forked it.)
  std::atomic<bool> stopped = false;
  std::thread stopper([&] {
    server.stop();
    stopped = true;
  });
  const bool stop_done = run_until(
      io, [&] { return stopped.load(); }, 120s);
  stopper.join();
  probe_thread.join();
  ASSERT_TRUE(stop_done);
  server.start();

  EXPECT_TRUE(deliver_everything(io, publisher, subscribers, kMessages));
  for (auto& s : subscribers)
    s->stop();
  publisher.stop();
  EXPECT_EQ(probe_close, 1001) << "a raw client's connection ended with: " << probe_error;
  ASSERT_TRUE(publisher.all_acked_without_gaps());
  Api api(server);
  EXPECT_TRUE(history_matches(api, rooms[0], publisher.expected(rooms[0])));
  for (int i = 0; i < kSubscribers; ++i) {
    SCOPED_TRACE("subscriber " + std::to_string(i));
    const Subscriber& s = *subscribers[i];
    ASSERT_FALSE(s.disconnects.empty()) << "never saw the restart";
    EXPECT_NE(s.disconnects.front().find("1001"), std::string::npos)
        << "first disconnect: " << s.disconnects.front();
    EXPECT_TRUE(s.log.problems().empty()) << s.log.problems_text();
    EXPECT_TRUE(s.log.delivered(rooms[0], publisher.expected(rooms[0])));
  }
}

TEST(Resume, SinceOlderThanRetentionIsNotRecovered) {
  ServerProcess server({"--retention-messages", "10"});
  server.start();
  Api api(server);
  const std::string room = "resume-retention";
  std::vector<std::uint64_t> expected = publish_many(api, room, 30);

  // Retention is applied in the background: wait until the server API says it was.
  json::object page;
  const bool pruned = eventually([&] {
    page = api.history_page(room, 0);
    return num(page, "first") == 21;
  });
  EXPECT_TRUE(pruned) << "with --retention-messages 10 and 30 messages, history should start at "
                         "21 but after 60 s it still says first="
                      << num(page, "first") << " and lists "
                      << page.at("messages").as_array().size() << " messages";

  Resumer r(server.port(), room, 5);
  EXPECT_FALSE(r.joined.at("recovered").as_bool()) << json::serialize(r.joined);
  EXPECT_EQ(num(r.joined, "from"), 21) << json::serialize(r.joined);
  EXPECT_EQ(num(r.joined, "seq"), 30) << json::serialize(r.joined);
  const std::int64_t from = std::max<std::int64_t>(num(r.joined, "from"), 1);
  read_msgs(r.probe, r.log, room, static_cast<std::size_t>(31 - from));
  expected = publish_many(api, room, 1, expected);
  read_msgs(r.probe, r.log, room, static_cast<std::size_t>(32 - from));
  EXPECT_TRUE(r.log.problems().empty()) << r.log.problems_text();
  EXPECT_TRUE(r.log.delivered(room, expected, 21));
}

TEST(Resume, ServerApiPublishWithTheSameIdIsStoredOnce) {
  ServerProcess server;
  server.start();
  Api api(server);
  const json::value data = {{"text", "from the backend"}};
  const json::object first = api.publish("idem", data, "order-17");
  const json::object again = api.publish("idem", data, "order-17");
  EXPECT_EQ(num(first, "seq"), 1) << json::serialize(first);
  EXPECT_FALSE(first.at("duplicate").as_bool()) << json::serialize(first);
  EXPECT_EQ(str(first, "id"), "order-17");
  EXPECT_EQ(num(again, "seq"), 1) << json::serialize(again);
  EXPECT_TRUE(again.at("duplicate").as_bool()) << json::serialize(again);

  // Ids are per room: the same id elsewhere is another message.
  const json::object other = api.publish("idem-other", data, "order-17");
  EXPECT_EQ(num(other, "seq"), 1) << json::serialize(other);
  EXPECT_FALSE(other.at("duplicate").as_bool()) << json::serialize(other);
  // A later publish with a new id gets the next seq: the retry took none.
  EXPECT_EQ(num(api.publish("idem", data, "order-18"), "seq"), 2);

  EXPECT_TRUE(history_matches(api, "idem", {digest("order-17", data), digest("order-18", data)}));
  // Still once after a crash (the idempotency key is durable, not only in memory).
  server.kill9();
  server.start();
  const json::object after = api.publish("idem", data, "order-17");
  EXPECT_EQ(num(after, "seq"), 1) << json::serialize(after);
  EXPECT_TRUE(after.at("duplicate").as_bool()) << json::serialize(after);
  EXPECT_TRUE(history_matches(api, "idem", {digest("order-17", data), digest("order-18", data)}));
}

// The acks of a batch answer, as (seq, duplicate) in request order.
std::vector<std::pair<std::int64_t, bool>> batch_acks(const HttpAnswer& answer) {
  std::vector<std::pair<std::int64_t, bool>> acks;
  const json::value body = json::parse(answer.body);
  for (const json::value& ack : body.as_array())
    acks.emplace_back(num(ack.as_object(), "seq"), ack.as_object().at("duplicate").as_bool());
  return acks;
}

TEST(Resume, ServerApiBatchIsPublishedInOrderAndIdempotently) {
  ServerProcess server;
  server.start();
  Api api(server);
  WsProbe probe(server.port());
  probe.hello();
  probe.join("batch-a");
  probe.join("batch-b");
  const std::string batch = R"([{"room":"batch-a","data":1,"id":"x1"},{"room":"batch-b","data":2},)"
                            R"({"room":"batch-a","data":3,"id":"x3"}])";
  const HttpAnswer first = api.request(web::verb::post, "/api/publish", batch);
  ASSERT_EQ(first.status, 200) << first.body;
  using Acks = std::vector<std::pair<std::int64_t, bool>>;
  EXPECT_EQ(batch_acks(first), (Acks{{1, false}, {1, false}, {2, false}})) << first.body;
  std::vector<std::pair<std::string, std::int64_t>> delivered;
  for (int i = 0; i < 3; ++i) {
    const json::object msg = probe.expect("msg");
    delivered.emplace_back(str(msg, "room"), num(msg, "seq"));
  }
  // Each room in order; the rooms may interleave as they like.
  std::erase_if(delivered, [](const auto& d) { return d.first != "batch-a"; });
  EXPECT_EQ(delivered,
            (std::vector<std::pair<std::string, std::int64_t>>{{"batch-a", 1}, {"batch-a", 2}}));

  // A retried batch: what had an id is a duplicate, what had none is a new message.
  const HttpAnswer again = api.request(web::verb::post, "/api/publish", batch);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(batch_acks(again), (Acks{{1, true}, {2, false}, {2, true}})) << again.body;

  // One bad message refuses the whole batch: nothing of it is stored.
  const HttpAnswer bad = api.request(
      web::verb::post, "/api/publish",
      R"([{"room":"batch-c","data":1},{"room":"batch-c"},{"room":"batch-c","data":3}])");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(str(bad.json(), "error"), "bad_frame") << bad.body;
  EXPECT_TRUE(str(bad.json(), "reason").starts_with("message 1: ")) << bad.body;
  EXPECT_EQ(api.history("batch-c").head, 0);
}

TEST(Resume, ServerApiBatchTakesAThousandMessagesUpToAMebibyte) {
  ServerProcess server;
  server.start();
  Api api(server);
  const auto body = [](std::size_t messages, std::size_t bytes) {
    std::string text = "[";
    for (std::size_t i = 0; i < messages; ++i) {
      if (i > 0) text += ',';
      text += R"({"room":"big","data":")" + std::string(bytes, 'x') + R"("})";
    }
    return text + "]";
  };
  const HttpAnswer full = api.request(web::verb::post, "/api/publish", body(1000, 1000));
  ASSERT_EQ(full.status, 200) << full.body.substr(0, 200);
  const auto acks = batch_acks(full);
  ASSERT_EQ(acks.size(), 1000U);
  for (std::size_t i = 0; i < acks.size(); ++i)
    ASSERT_EQ(acks[i], std::pair(static_cast<std::int64_t>(i + 1), false));
  EXPECT_EQ(api.history("big").head, 1000);

  const HttpAnswer too_many = api.request(web::verb::post, "/api/publish", body(1001, 1));
  EXPECT_EQ(too_many.status, 400) << too_many.body;
  const HttpAnswer too_big = api.request(web::verb::post, "/api/publish", body(1000, 1100));
  EXPECT_EQ(too_big.status, 413) << too_big.body;
  EXPECT_EQ(str(too_big.json(), "error"), "too_large") << too_big.body;
  EXPECT_EQ(api.history("big").head, 1000) << "a refused batch was stored";
}

}  // namespace
}  // namespace herald::test
