#include "client/resume.hpp"

#include <gtest/gtest.h>

namespace herald::client {
namespace {

using Verdict = RoomPositions::Verdict;

TEST(RoomPositions, LiveJoinStartsAfterTheHead) {
  RoomPositions positions;
  positions.want("r", std::nullopt);
  EXPECT_EQ(positions.since_for("r"), std::nullopt);
  EXPECT_FALSE(positions.joined("r"));

  positions.on_joined("r", 10, true, 11);
  EXPECT_TRUE(positions.joined("r"));
  // Nothing delivered yet, but a reconnect must not miss what is published meanwhile.
  EXPECT_EQ(positions.since_for("r"), 10u);
  EXPECT_EQ(positions.on_msg("r", 11), Verdict::deliver);
  EXPECT_EQ(positions.since_for("r"), 11u);
}

TEST(RoomPositions, ResumesFromSinceAndDropsDuplicates) {
  RoomPositions positions;
  positions.want("r", 5);
  EXPECT_EQ(positions.since_for("r"), 5u);  // never joined: the application's since
  positions.on_joined("r", 20, true, 6);
  EXPECT_EQ(positions.on_msg("r", 6), Verdict::deliver);
  EXPECT_EQ(positions.on_msg("r", 7), Verdict::deliver);
  EXPECT_EQ(positions.on_msg("r", 7), Verdict::duplicate);
  EXPECT_EQ(positions.on_msg("r", 5), Verdict::duplicate);
  EXPECT_EQ(positions.on_msg("r", 8), Verdict::deliver);
  EXPECT_EQ(positions.since_for("r"), 8u);
}

TEST(RoomPositions, SinceZeroMeansEverythingRetained) {
  RoomPositions positions;
  positions.want("r", 0);
  EXPECT_EQ(positions.since_for("r"), 0u);
  positions.on_joined("r", 3, true, 1);
  EXPECT_EQ(positions.on_msg("r", 1), Verdict::deliver);
}

TEST(RoomPositions, MessagesBeforeJoinedAreDropped) {
  RoomPositions positions;
  positions.want("r", 5);
  EXPECT_EQ(positions.on_msg("r", 6), Verdict::duplicate);
  positions.on_joined("r", 6, true, 6);
  EXPECT_EQ(positions.on_msg("r", 6), Verdict::deliver);
}

TEST(RoomPositions, GapAwaitsARejoinFromThePosition) {
  RoomPositions positions;
  positions.want("r", 0);
  positions.on_joined("r", 0, true, 1);
  EXPECT_EQ(positions.on_msg("r", 1), Verdict::deliver);
  EXPECT_EQ(positions.on_msg("r", 2), Verdict::deliver);

  EXPECT_EQ(positions.on_msg("r", 4), Verdict::gap);
  EXPECT_FALSE(positions.joined("r"));
  EXPECT_EQ(positions.since_for("r"), 2u);
  // Until the re-join answers, the old stream is dropped: no second gap, no out-of-order delivery.
  EXPECT_EQ(positions.on_msg("r", 5), Verdict::duplicate);
  EXPECT_EQ(positions.on_msg("r", 3), Verdict::duplicate);

  positions.on_joined("r", 5, true, 3);
  for (Seq seq = 3; seq <= 5; ++seq)
    EXPECT_EQ(positions.on_msg("r", seq), Verdict::deliver);
}

TEST(RoomPositions, NotRecoveredContinuesAfterWhatIsGone) {
  RoomPositions positions;
  positions.want("r", 5);
  positions.on_joined("r", 50, false, 40);  // 6..39 are past retention
  EXPECT_EQ(positions.since_for("r"), 39u);
  EXPECT_EQ(positions.on_msg("r", 39), Verdict::duplicate);
  EXPECT_EQ(positions.on_msg("r", 40), Verdict::deliver);
  EXPECT_EQ(positions.since_for("r"), 40u);
}

TEST(RoomPositions, ReconnectResumesFromTheLastDelivered) {
  RoomPositions positions;
  positions.want("r", std::nullopt);
  positions.on_joined("r", 0, true, 1);
  for (Seq seq = 1; seq <= 3; ++seq)
    EXPECT_EQ(positions.on_msg("r", seq), Verdict::deliver);

  positions.on_disconnected();
  EXPECT_FALSE(positions.joined("r"));
  EXPECT_EQ(positions.since_for("r"), 3u);
  positions.on_joined("r", 9, true, 4);
  EXPECT_EQ(positions.on_msg("r", 3), Verdict::duplicate);
  EXPECT_EQ(positions.on_msg("r", 4), Verdict::deliver);
}

TEST(RoomPositions, JoinedNeverMovesThePositionBack) {
  RoomPositions positions;
  positions.want("r", 0);
  positions.on_joined("r", 10, true, 1);
  for (Seq seq = 1; seq <= 10; ++seq)
    positions.on_msg("r", seq);
  positions.on_disconnected();
  positions.on_joined("r", 10, true, 5);  // the server replays more than was asked
  for (Seq seq = 5; seq <= 10; ++seq)
    EXPECT_EQ(positions.on_msg("r", seq), Verdict::duplicate);
  EXPECT_EQ(positions.on_msg("r", 11), Verdict::deliver);
}

TEST(RoomPositions, LeaveForgetsTheRoom) {
  RoomPositions positions;
  positions.want("r", 0);
  positions.on_joined("r", 2, true, 1);
  positions.on_msg("r", 1);
  positions.leave("r");
  EXPECT_FALSE(positions.contains("r"));
  EXPECT_EQ(positions.since_for("r"), std::nullopt);
  EXPECT_EQ(positions.on_msg("r", 2), Verdict::duplicate);
  EXPECT_FALSE(positions.on_joined("r", 2, true, 2));  // a join that crossed the leave
  EXPECT_FALSE(positions.contains("r"));
  EXPECT_TRUE(positions.rooms().empty());
}

TEST(RoomPositions, LeaveThenJoinAgainIgnoresTheOldSubscription) {
  RoomPositions positions;
  positions.want("r", std::nullopt);  // join #1 (live) goes out
  positions.leave("r");
  positions.on_leave_sent("r");
  positions.want("r", 0);  // join #2 (everything) goes out

  // The server answers in order: join #1, its live traffic, the leave, then join #2.
  EXPECT_FALSE(positions.on_joined("r", 10, true, 11));
  EXPECT_EQ(positions.on_msg("r", 11), Verdict::duplicate);
  positions.on_left("r");
  EXPECT_TRUE(positions.on_joined("r", 11, true, 1));
  for (Seq seq = 1; seq <= 11; ++seq)
    EXPECT_EQ(positions.on_msg("r", seq), Verdict::deliver);
}

TEST(RoomPositions, DisconnectForgetsLeavesInFlight) {
  RoomPositions positions;
  positions.want("r", 0);
  positions.on_leave_sent("r");  // the re-join after a gap, say; then the connection drops
  positions.on_disconnected();
  EXPECT_TRUE(positions.on_joined("r", 3, true, 1));
  EXPECT_EQ(positions.on_msg("r", 1), Verdict::deliver);
}

TEST(RoomPositions, WantAgainStartsOver) {
  RoomPositions positions;
  positions.want("r", 0);
  positions.on_joined("r", 9, true, 1);
  positions.on_msg("r", 1);
  positions.want("r", std::nullopt);
  EXPECT_FALSE(positions.joined("r"));
  EXPECT_EQ(positions.since_for("r"), std::nullopt);
}

TEST(RoomPositions, RoomsAreIndependentAndListedSorted) {
  RoomPositions positions;
  positions.want("b", 0);
  positions.want("a", 0);
  positions.on_joined("a", 0, true, 1);
  positions.on_joined("b", 0, true, 1);
  EXPECT_EQ(positions.on_msg("a", 1), Verdict::deliver);
  EXPECT_EQ(positions.on_msg("b", 1), Verdict::deliver);
  EXPECT_EQ(positions.on_msg("b", 3), Verdict::gap);
  EXPECT_EQ(positions.on_msg("a", 2), Verdict::deliver);
  EXPECT_EQ(positions.rooms(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(positions.on_msg("unknown", 1), Verdict::duplicate);
}

}  // namespace
}  // namespace herald::client
