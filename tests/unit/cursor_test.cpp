#include "core/cursor.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(Cursor, RoundTripsRoomsInOrder) {
  const Cursor cursor = {{"chat", 42}, {"news:eu/2026", 0}, {"a", 18446744073709551615u}};
  const std::string text = encode_cursor(cursor);
  EXPECT_EQ(text, "chat~42,news:eu/2026~0,a~18446744073709551615");
  EXPECT_EQ(decode_cursor(text, 100), cursor);
}

TEST(Cursor, EmptyTextIsTheEmptyCursor) {
  EXPECT_EQ(encode_cursor({}), "");
  ASSERT_TRUE(decode_cursor("", 100));
  EXPECT_TRUE(decode_cursor("", 100)->empty());
}

TEST(Cursor, RejectsMalformedText) {
  for (const char* text : {"chat", "chat~", "~5", "chat~x", "chat~-1", "chat~+1", "chat~1,",
                           ",chat~1", "chat~1,,news~2", "bad room~1", "chat~1~2",
                           "chat~99999999999999999999", "chat~1,chat~2", "chat~ 1", "chat~01"}) {
    EXPECT_FALSE(decode_cursor(text, 100)) << text;
  }
}

TEST(Cursor, RejectsMoreRoomsThanAllowed) {
  EXPECT_TRUE(decode_cursor("a~1,b~2", 2));
  EXPECT_FALSE(decode_cursor("a~1,b~2,c~3", 2));
}

}  // namespace
}  // namespace herald
