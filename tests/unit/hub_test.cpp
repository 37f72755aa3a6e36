#include "core/hub.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <string>
#include <vector>

#include "bus/bus_local.hpp"

namespace herald {
namespace {

namespace asio = boost::asio;

EnvelopePtr envelope(const std::string& room, Seq seq) {
  return make_envelope(Message{room, seq, "", "{\"n\":" + std::to_string(seq) + "}", 1});
}

// Runs every handler that is ready; returns how many ran.
std::size_t drain(asio::io_context& io) {
  io.restart();
  return io.poll();
}

class RecordingMember final : public HubMember {
 public:
  void deliver(const EnvelopePtr& e) override { received.push_back(e); }

  std::vector<Seq> seqs() const {
    std::vector<Seq> out;
    for (const auto& e : received)
      out.push_back(e->msg.seq);
    return out;
  }
  std::vector<std::string> rooms() const {
    std::vector<std::string> out;
    for (const auto& e : received)
      out.push_back(e->msg.room);
    return out;
  }

  std::vector<EnvelopePtr> received;
};

// A LocalBus whose subscriptions complete when the test says so, like a remote bus would.
class DeferredBus final : public Bus {
 public:
  void publish(const EnvelopePtr& e) override { bus.publish(e); }
  void subscribe(const std::string& room, BusSubscriber* subscriber,
                 std::function<void()> ready) override {
    ++subscribes;
    bus.subscribe(room, subscriber,
                  [this, ready = std::move(ready)] { pending.push_back(std::move(ready)); });
  }
  void unsubscribe(std::string_view room, BusSubscriber* subscriber) override {
    ++unsubscribes;
    bus.unsubscribe(room, subscriber);
  }
  void confirm() {
    for (auto& ready : std::exchange(pending, {}))
      ready();
  }
  void confirm_oldest() {
    auto ready = std::move(pending.front());
    pending.erase(pending.begin());
    ready();
  }

  LocalBus bus;
  std::vector<std::function<void()>> pending;
  int subscribes = 0;
  int unsubscribes = 0;
};

class HubTest : public ::testing::Test {
 protected:
  // Joins and runs the loop until the member is ready.
  void join(const std::string& room, RecordingMember& member) {
    bool ready = false;
    hub_.join(room, &member, [&ready] { ready = true; });
    drain(io);
    ASSERT_TRUE(ready);
  }
  void publish(const std::string& room, std::initializer_list<Seq> seqs) {
    for (const Seq seq : seqs)
      bus.publish(envelope(room, seq));
    drain(io);
  }

  asio::io_context io;
  LocalBus bus;
  Metrics metrics;
  Hub hub_{io.get_executor(), bus, metrics};  // `hub` names the suite
};
// Suite names are lower case so that `ctest -R hub` selects them. Tests that need their own
// bus or loops declare them locally and leave the fixture's unused.
using hub = HubTest;

TEST_F(hub, MembersReceiveTheirRoomOnly) {
  RecordingMember a, b, both_a;
  join("a", a);
  join("b", b);
  join("a", both_a);
  publish("a", {1});
  publish("b", {1, 2});
  publish("c", {1});  // nobody's room
  EXPECT_EQ(a.rooms(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(both_a.rooms(), (std::vector<std::string>{"a"}));
  EXPECT_EQ(b.rooms(), (std::vector<std::string>{"b", "b"}));
  EXPECT_EQ(hub_.room_count(), 2u);
}

TEST_F(hub, DeliversInOrder) {
  RecordingMember m;
  join("r", m);
  publish("r", {1, 2, 3, 4, 5});
  EXPECT_EQ(m.seqs(), (std::vector<Seq>{1, 2, 3, 4, 5}));
  EXPECT_EQ(metrics.duplicates_dropped.value(), 0u);
  EXPECT_EQ(metrics.gaps_detected.value(), 0u);
}

TEST_F(hub, DeliveryHappensOnTheHubsExecutor) {
  RecordingMember m;
  join("r", m);
  bus.publish(envelope("r", 1));
  EXPECT_TRUE(m.received.empty()) << "on_envelope must hand over to the loop, not deliver inline";
  drain(io);
  EXPECT_EQ(m.seqs(), (std::vector<Seq>{1}));
}

TEST_F(hub, RepeatedAndOlderEnvelopesAreDroppedAndCounted) {
  RecordingMember m;
  join("r", m);
  publish("r", {1, 2, 2, 1, 3, 3});
  EXPECT_EQ(m.seqs(), (std::vector<Seq>{1, 2, 3}));
  EXPECT_EQ(metrics.duplicates_dropped.value(), 3u);
}

TEST_F(hub, EphemeralEnvelopesReachEveryMemberOutsideTheSequence) {
  RecordingMember a, b;
  join("r", a);
  join("r", b);
  publish("r", {1, 2});
  bus.publish(make_ephemeral("r", R"({"op":"typing"})", "session-a"));
  bus.publish(make_ephemeral("r", R"({"op":"typing"})"));
  drain(io);
  publish("r", {3});
  // Seq 0 twice, after seq 2: neither a duplicate nor a gap, and seq 3 still follows seq 2.
  EXPECT_EQ(a.seqs(), (std::vector<Seq>{1, 2, 0, 0, 3}));
  EXPECT_EQ(b.seqs(), (std::vector<Seq>{1, 2, 0, 0, 3}));
  EXPECT_EQ(metrics.duplicates_dropped.value(), 0u);
  EXPECT_EQ(metrics.gaps_detected.value(), 0u);
}

TEST_F(hub, DuplicatesAreTrackedPerRoom) {
  RecordingMember a, b;
  join("a", a);
  join("b", b);
  publish("a", {5});
  publish("b", {1});
  EXPECT_EQ(b.seqs(), (std::vector<Seq>{1}));
  EXPECT_EQ(metrics.duplicates_dropped.value(), 0u);
}

TEST_F(hub, AGapIsCountedAndStillDelivered) {
  RecordingMember m;
  join("r", m);
  publish("r", {1, 2, 5, 6});
  EXPECT_EQ(m.seqs(), (std::vector<Seq>{1, 2, 5, 6}));
  EXPECT_EQ(metrics.gaps_detected.value(), 1u);
  // What the gap skipped arrives late: it is older than what was fanned out, so it is dropped.
  publish("r", {3});
  EXPECT_EQ(m.seqs().back(), 6u);
  EXPECT_EQ(metrics.duplicates_dropped.value(), 1u);
}

TEST_F(hub, TheFirstEnvelopeOfARoomIsNoGap) {
  RecordingMember m;
  join("r", m);
  publish("r", {41});
  EXPECT_EQ(m.seqs(), (std::vector<Seq>{41}));
  EXPECT_EQ(metrics.gaps_detected.value(), 0u);
}

TEST_F(hub, LeavingOneMemberKeepsTheOthers) {
  RecordingMember a, b;
  join("r", a);
  join("r", b);
  hub_.leave("r", &a);
  publish("r", {1});
  EXPECT_TRUE(a.received.empty());
  EXPECT_EQ(b.seqs(), (std::vector<Seq>{1}));
  EXPECT_EQ(hub_.room_count(), 1u);
}

TEST_F(hub, LeaveOfTheLastMemberUnsubscribes) {
  RecordingMember m;
  join("r", m);
  publish("r", {1});
  hub_.leave("r", &m);
  EXPECT_EQ(hub_.room_count(), 0u);
  bus.publish(envelope("r", 2));
  // Unsubscribed from the bus: nothing was even handed to the loop.
  EXPECT_EQ(drain(io), 0u);
  EXPECT_EQ(m.seqs(), (std::vector<Seq>{1}));
}

TEST_F(hub, LeaveOfAStrangerChangesNothing) {
  RecordingMember m, stranger;
  join("r", m);
  hub_.leave("r", &stranger);
  hub_.leave("nowhere", &m);
  publish("r", {1});
  EXPECT_EQ(m.seqs(), (std::vector<Seq>{1}));
}

TEST_F(hub, RejoinAfterTheRoomWasDroppedResubscribes) {
  RecordingMember m;
  join("r", m);
  hub_.leave("r", &m);
  join("r", m);
  publish("r", {1});
  EXPECT_EQ(m.seqs(), (std::vector<Seq>{1}));
}

TEST_F(hub, LeaveBeforeTheSubscriptionCompletedIsSafe) {
  RecordingMember m;
  bool ready = false;
  hub_.join("r", &m, [&ready] { ready = true; });
  hub_.leave("r", &m);
  drain(io);
  EXPECT_FALSE(ready) << "nobody is left to be ready";
  bus.publish(envelope("r", 1));
  drain(io);
  EXPECT_TRUE(m.received.empty());
}

// A hub over a bus whose subscriptions complete when the test says so.
struct DeferredHub {
  asio::io_context io;
  DeferredBus bus;
  Metrics metrics;
  Hub hub{io.get_executor(), bus, metrics};
};

TEST_F(hub, ReadyRunsOnlyAfterTheBusSubscription) {
  DeferredHub d;
  RecordingMember first, second, third;
  int ready_first = 0, ready_second = 0, ready_third = 0;

  d.hub.join("r", &first, [&] { ++ready_first; });
  d.hub.join("r", &second, [&] { ++ready_second; });
  EXPECT_EQ(d.bus.subscribes, 1) << "one bus subscription per room";
  drain(d.io);
  EXPECT_EQ(ready_first + ready_second, 0) << "the bus has not confirmed the subscription";

  d.bus.confirm();
  EXPECT_EQ(ready_first + ready_second, 0) << "ready runs on the hub's executor";
  drain(d.io);
  EXPECT_EQ(ready_first, 1);
  EXPECT_EQ(ready_second, 1);

  d.hub.join("r", &third, [&] { ++ready_third; });
  EXPECT_EQ(ready_third, 0);
  drain(d.io);
  EXPECT_EQ(ready_third, 1) << "an already subscribed room is ready at once";
  EXPECT_EQ(d.bus.subscribes, 1);

  d.bus.publish(envelope("r", 1));
  drain(d.io);
  EXPECT_EQ(first.seqs(), (std::vector<Seq>{1}));
  EXPECT_EQ(second.seqs(), (std::vector<Seq>{1}));
  EXPECT_EQ(third.seqs(), (std::vector<Seq>{1}));

  d.hub.leave("r", &first);
  d.hub.leave("r", &second);
  EXPECT_EQ(d.bus.unsubscribes, 0);
  d.hub.leave("r", &third);
  EXPECT_EQ(d.bus.unsubscribes, 1);
}

// When the last member leaves before the bus confirmed and someone joins again, the room is
// re-created and subscribed a second time. The confirmation of the first, abandoned subscription
// must not mark the new room subscribed: its member would read history before the subscription
// that carries its envelopes exists. (LocalBus confirms at once; Redis or NATS would not.)
TEST_F(hub, ReadyIgnoresTheConfirmationOfAnAbandonedSubscription) {
  DeferredHub d;
  RecordingMember first, second;
  int ready_second = 0;
  d.hub.join("r", &first, [] {});
  d.hub.leave("r", &first);
  d.hub.join("r", &second, [&] { ++ready_second; });
  ASSERT_EQ(d.bus.pending.size(), 2u);

  d.bus.confirm_oldest();  // the abandoned subscription
  drain(d.io);
  EXPECT_EQ(ready_second, 0) << "ready before the bus confirmed the current subscription";

  d.bus.confirm_oldest();
  drain(d.io);
  EXPECT_EQ(ready_second, 1);
}

TEST_F(hub, TwoLoopsShareOneEncodedFrame) {
  asio::io_context io2;
  Hub hub2(io2.get_executor(), bus, metrics);
  RecordingMember m1, m2;
  join("r", m1);
  hub2.join("r", &m2, [] {});
  drain(io2);

  const EnvelopePtr sent = envelope("r", 1);
  bus.publish(sent);
  EXPECT_EQ(drain(io), 1u);
  EXPECT_TRUE(m2.received.empty()) << "each hub delivers on its own loop";
  EXPECT_EQ(drain(io2), 1u);

  ASSERT_EQ(m1.received.size(), 1u);
  ASSERT_EQ(m2.received.size(), 1u);
  EXPECT_EQ(m1.received[0].get(), sent.get());
  EXPECT_EQ(m2.received[0].get(), sent.get());
  EXPECT_EQ(m1.received[0]->frame.get(), m2.received[0]->frame.get()) << "encoded once, shared";
}

TEST_F(hub, DestroyedHubIsUnsubscribed) {
  RecordingMember m;
  {
    Hub other(io.get_executor(), bus, metrics);
    other.join("r", &m, [] {});
    drain(io);
  }
  // A hub left subscribed would be used after its destruction here (ASan reports it).
  bus.publish(envelope("r", 1));
  EXPECT_EQ(drain(io), 0u);
  EXPECT_TRUE(m.received.empty());
}

}  // namespace
}  // namespace herald
