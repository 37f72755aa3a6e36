// The client's text/event-stream parser: the HTML standard's rules, whatever the chunking.

#include "client/sse_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald::client {
namespace {

struct Seen {
  std::string type;
  std::string data;
  std::string id;
  bool operator==(const Seen&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Seen& seen) {
  return out << "{type '" << seen.type << "', data '" << seen.data << "', id '" << seen.id << "'}";
}

// Feeds `stream` in pieces of `step` bytes (0: all at once).
std::vector<Seen> parse(std::string_view stream, std::size_t step = 0) {
  SseParser parser;
  std::vector<Seen> seen;
  const auto collect = [&](const SseEvent& e) {
    seen.push_back({std::string(e.type), std::string(e.data), std::string(e.id)});
  };
  if (step == 0) step = stream.size() + 1;
  for (std::size_t at = 0; at < stream.size(); at += step)
    EXPECT_TRUE(parser.feed(stream.substr(at, step), collect));
  return seen;
}

// What herald serve writes: retry, comments, named and unnamed events with cursor ids.
constexpr std::string_view kHeraldStream =
    "retry: 1000\n\n"
    "event: welcome\ndata: {\"op\":\"welcome\",\"session\":\"s1\"}\n\n"
    ":\n\n"
    "id: a~4\nevent: joined\ndata: {\"op\":\"joined\",\"room\":\"a\",\"seq\":4,\"from\":5}\n\n"
    "id: a~5\ndata: {\"op\":\"msg\",\"room\":\"a\",\"seq\":5}\n\n";

const std::vector<Seen> kHeraldEvents = {
    {"welcome", R"({"op":"welcome","session":"s1"})", ""},
    {"joined", R"({"op":"joined","room":"a","seq":4,"from":5})", "a~4"},
    {"", R"({"op":"msg","room":"a","seq":5})", "a~5"},
};

TEST(SseParser, ReadsWhatTheServerWrites) {
  EXPECT_EQ(parse(kHeraldStream), kHeraldEvents);
}

TEST(SseParser, AnyChunkingGivesTheSameEvents) {
  for (std::size_t step = 1; step <= 17; ++step) {
    SCOPED_TRACE("chunks of " + std::to_string(step));
    EXPECT_EQ(parse(kHeraldStream, step), kHeraldEvents);
  }
}

TEST(SseParser, EveryLineEndCountsAndCrLfSplitAcrossChunksIsOne) {
  const std::string crlf = "data: a\r\n\r\ndata: b\r\rdata: c\n\n";
  const std::vector<Seen> want = {{"", "a", ""}, {"", "b", ""}, {"", "c", ""}};
  for (std::size_t step = 1; step <= crlf.size(); ++step)
    EXPECT_EQ(parse(crlf, step), want) << "chunks of " << step;
}

TEST(SseParser, DataLinesJoinWithNewlinesAndOneLeadingSpaceGoes) {
  EXPECT_EQ(parse("data:x\ndata:  y\ndata\n\n"), (std::vector<Seen>{{"", "x\n y\n", ""}}));
}

TEST(SseParser, EventsWithoutDataAreNotDispatchedAndTheNameDoesNotCarryOver) {
  EXPECT_EQ(parse("event: joined\n\ndata: m\n\n"), (std::vector<Seen>{{"", "m", ""}}));
}

TEST(SseParser, TheIdCarriesOverUntilChangedAndCommentsAndUnknownFieldsAreSkipped) {
  EXPECT_EQ(parse("id: 7\ndata: a\n\n: note\nfoo: bar\ndata: b\n\nid\ndata: c\n\n"),
            (std::vector<Seen>{{"", "a", "7"}, {"", "b", "7"}, {"", "c", ""}}));
}

TEST(SseParser, AnOpeningByteOrderMarkIsSkipped) {
  EXPECT_EQ(parse("\xEF\xBB\xBF"
                  "data: a\n\n",
                  1),
            (std::vector<Seen>{{"", "a", ""}}));
}

TEST(SseParser, AnUnfinishedEventWaitsForItsBlankLine) {
  EXPECT_TRUE(parse("data: a\n").empty());
}

TEST(SseParser, ALineOverTheLimitFailsForGood) {
  SseParser parser(8);
  int events = 0;
  const auto count = [&](const SseEvent&) { ++events; };
  EXPECT_TRUE(parser.feed("data: 1\n\n", count));
  EXPECT_FALSE(parser.feed("data: 123456789", count));
  EXPECT_FALSE(parser.feed("\n\ndata: 2\n\n", count));
  EXPECT_EQ(events, 1);
}

}  // namespace
}  // namespace herald::client
