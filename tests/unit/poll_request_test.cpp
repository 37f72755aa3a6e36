// What `GET /poll` accepts: rooms and cursor as for a stream, `wait` in whole seconds (absent:
// the long-poll default; over the maximum: cut to it), and the If-None-Match match for 304.

#include <gtest/gtest.h>

#include "transport/entity_tag.hpp"
#include "transport/stream_request.hpp"

namespace herald {
namespace {

std::variant<PollRequest, StreamRequestError> parse(const std::string& target) {
  HttpRequest request(boost::beast::http::verb::get, target, 11);
  return parse_poll_request(request, Limits{});
}

std::chrono::seconds wait_of(const std::string& target) {
  const auto parsed = parse(target);
  EXPECT_TRUE(std::holds_alternative<PollRequest>(parsed)) << target;
  return std::holds_alternative<PollRequest>(parsed) ? std::get<PollRequest>(parsed).wait
                                                     : std::chrono::seconds(-1);
}

ProtocolError error_of(const std::string& target) {
  const auto parsed = parse(target);
  EXPECT_TRUE(std::holds_alternative<StreamRequestError>(parsed)) << target;
  return std::holds_alternative<StreamRequestError>(parsed)
             ? std::get<StreamRequestError>(parsed).code
             : ProtocolError::count_;
}

TEST(PollRequest, WaitIsWholeSecondsWithADefaultAndACeiling) {
  EXPECT_EQ(wait_of("/poll?rooms=a"), kLongPollWait);
  EXPECT_EQ(wait_of("/poll?rooms=a&wait=0"), std::chrono::seconds(0));
  EXPECT_EQ(wait_of("/poll?rooms=a&wait=12"), std::chrono::seconds(12));
  EXPECT_EQ(wait_of("/poll?rooms=a&wait=3600"), kMaxPollWait);
  EXPECT_EQ(wait_of("/poll?rooms=a&wait=99999999999999999999"), kMaxPollWait);
  for (const char* bad : {"", "-1", "1.5", "soon", "3s", " 3"}) {
    EXPECT_EQ(error_of(std::string("/poll?rooms=a&wait=") + bad), ProtocolError::bad_frame) << bad;
  }
}

TEST(PollRequest, RoomsAndCursorAreReadAsForAStream) {
  const auto parsed = parse("/poll?rooms=a,b&cursor=b~7,c~2&wait=5");
  ASSERT_TRUE(std::holds_alternative<PollRequest>(parsed));
  const StreamRequest& stream = std::get<PollRequest>(parsed).stream;
  ASSERT_EQ(stream.rooms.size(), 2u);
  EXPECT_EQ(stream.rooms[0].name, "a");
  EXPECT_FALSE(stream.rooms[0].since.has_value());
  EXPECT_EQ(stream.rooms[1].since, 7u);
  EXPECT_EQ(error_of("/poll?rooms=a&cursor=a~01"), ProtocolError::bad_cursor);
  EXPECT_EQ(error_of("/poll?wait=1"), ProtocolError::bad_room);
}

TEST(EntityTag, IfNoneMatchIsReadTagByTag) {
  const std::string etag = R"("a~3,b~2")";
  EXPECT_TRUE(if_none_match_holds(etag, etag));
  EXPECT_TRUE(if_none_match_holds(R"(W/"a~3,b~2")", etag));
  EXPECT_TRUE(if_none_match_holds(R"("x", "a~3,b~2")", etag));
  EXPECT_TRUE(if_none_match_holds("*", etag));
  EXPECT_FALSE(if_none_match_holds(R"("a~3")", etag));
  EXPECT_FALSE(if_none_match_holds(R"("a~3,b~2)", etag));
  EXPECT_FALSE(if_none_match_holds("", etag));
  EXPECT_FALSE(if_none_match_holds(R"(a~3,b~2)", etag));
}

}  // namespace
}  // namespace herald
