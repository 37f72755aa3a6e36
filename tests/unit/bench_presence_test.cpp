#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "bench/loopback.hpp"
#include "bench/presence_rooms.hpp"
#include "bench/presence_view.hpp"
#include "bench/process_cpu.hpp"
#include "bench/prometheus_text.hpp"
#include "bench/quiet_period.hpp"
#include "bench/report.hpp"

namespace herald::bench {
namespace {

TEST(PresenceView, AppliesTheListThenEveryDiff) {
  PresenceView view;
  EXPECT_EQ(view.apply(R"({"op":"presence","room":"r","joins":[{"user":"b","info":{}}],)"
                       R"("leaves":[]})")
                .joins,
            1u);
  const auto list =
      view.apply(R"({"op":"presence","room":"r","members":[{"user":"a","info":{},"sessions":1},)"
                 R"({"user":"b","info":{},"sessions":0}]})");
  EXPECT_EQ(list.kind, PresenceView::Kind::list);
  EXPECT_EQ(view.size(), 2u);  // the list replaces what came before it
  const auto diff = view.apply(
      R"({"op":"presence","room":"r","joins":[{"user":"a","info":{}},{"user":"c","info":{}}],)"
      R"("leaves":[{"user":"b"}]})");
  EXPECT_EQ(diff.kind, PresenceView::Kind::diff);
  EXPECT_EQ(diff.joins, 2u);
  EXPECT_EQ(diff.leaves, 1u);
  EXPECT_EQ(view.size(), 2u);  // a and c: a known twice counts once
}

TEST(PresenceView, BigRoomsHaveOnlyACount) {
  PresenceView view;
  EXPECT_EQ(view.apply(R"({"op":"presence","room":"r","count":1234})").kind,
            PresenceView::Kind::count);
  EXPECT_EQ(view.size(), 1234u);
  EXPECT_EQ(view.apply("not json").kind, PresenceView::Kind::malformed);
  EXPECT_EQ(view.apply(R"({"op":"presence","room":"r"})").kind, PresenceView::Kind::malformed);
}

TEST(PresenceRooms, NaiveFramesAreTheSumOfSquares) {
  EXPECT_EQ(room_sizes(10, 3), (std::vector<std::size_t>{4, 3, 3}));
  EXPECT_EQ(naive_presence_frames(room_sizes(10, 3)), 16u + 9 + 9);
  EXPECT_EQ(naive_presence_frames(room_sizes(10'000, 100)), 1'000'000u);
  EXPECT_EQ(presence_user(17), "u17");
  EXPECT_EQ(presence_room(17, 10), "presence-7");
}

TEST(ProcessCpu, CountsUtimeAndStimeAfterTheCommandName) {
  // The command name holds a space and a ')': fields count from the last ')'.
  const std::string stat =
      "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 1 0 0";
  EXPECT_EQ(cpu_ticks_from_stat(stat), 300u);
  EXPECT_FALSE(cpu_ticks_from_stat("4242 (cmd) S 1 2"));
  EXPECT_FALSE(cpu_ticks_from_stat("no parenthesis"));
  EXPECT_TRUE(process_cpu_seconds(::getpid()).has_value());
}

TEST(PrometheusText, FindsAnUnlabelledSample) {
  const std::string text =
      "# HELP herald_presence_diffs_total Presence changes.\n"
      "# TYPE herald_presence_diffs_total counter\n"
      "herald_presence_diffs_total_other 7\n"
      "herald_presence_diffs_total 42\n";
  EXPECT_EQ(metric_value(text, "herald_presence_diffs_total"), 42.0);
  EXPECT_FALSE(metric_value(text, "herald_missing"));
}

TEST(QuietPeriod, SettlesOnceTheValueStopsChanging) {
  using namespace std::chrono_literals;
  const QuietPeriod::Clock::time_point t0{};
  QuietPeriod quiet(4s);
  EXPECT_FALSE(quiet.settled(t0));
  quiet.observe(5, t0);
  quiet.observe(5, t0 + 3s);
  EXPECT_FALSE(quiet.settled(t0 + 3s));
  quiet.observe(6, t0 + 3s);
  EXPECT_FALSE(quiet.settled(t0 + 5s));
  EXPECT_TRUE(quiet.settled(t0 + 7s));
}

TEST(Loopback, ParsesAWholeResponse) {
  const auto reply =
      parse_http_reply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "hello");
  EXPECT_FALSE(parse_http_reply("garbage"));
}

TEST(Report, BesidePutsAFileNextToTheResult) {
  EXPECT_EQ(beside("bench/results/presence.json", "-frames.svg"),
            std::filesystem::path("bench/results/presence-frames.svg"));
}

}  // namespace
}  // namespace herald::bench
