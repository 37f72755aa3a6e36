// The server's WebSocket frame parser against RFC 6455: fragmentation, control frames between
// fragments, masking, limits, UTF-8 checked across fragments, close frames, and frames cut
// anywhere by the end of a read.
#include "transport/ws_frame_reader.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace herald {
namespace {

constexpr std::size_t kLimit = 1000;
constexpr std::array<std::uint8_t, 4> kMask = {0xA1, 0x05, 0x7E, 0xC3};

// A client frame: `first` is the first byte as sent (FIN, RSV, opcode).
std::string frame(std::uint8_t first, std::string_view payload, bool masked = true) {
  std::string out(1, static_cast<char>(first));
  const std::uint8_t mask_bit = masked ? 0x80 : 0x00;
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(mask_bit | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((payload.size() >> shift) & 0xFF));
  }
  if (!masked) return out.append(payload);
  out.append(reinterpret_cast<const char*>(kMask.data()), kMask.size());
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ kMask[i % 4]));
  return out;
}

std::string text(std::string_view payload) {
  return frame(0x81, payload);
}

std::string close_frame(std::uint16_t code, std::string_view reason = {}) {
  std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xFF)};
  return frame(0x88, payload.append(reason));
}

struct Recorder : WsFrameSink {
  std::vector<std::string> events;

  void on_text(std::string_view message) override {
    events.push_back("text:" + std::string(message));
  }
  void on_ping(std::string_view payload) override {
    events.push_back("ping:" + std::string(payload));
  }
  void on_pong() override { events.emplace_back("pong"); }
  void on_close(std::optional<std::uint16_t> code, std::string_view reason) override {
    events.push_back("close:" + (code ? std::to_string(*code) : "none") + ":" +
                     std::string(reason));
  }
};

class WsFrameReaderTest : public ::testing::Test {
 protected:
  // Feeds `bytes` in reads of `chunk` bytes; the first violation, if any.
  std::optional<WsViolation> feed(std::string bytes, std::size_t chunk = 0) {
    if (chunk == 0) chunk = bytes.size();
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
      std::string piece = bytes.substr(at, chunk);
      if (auto violation = reader_.read(piece, sink_)) return violation;
    }
    return std::nullopt;
  }

  std::optional<CloseCode> code_of(std::string bytes) {
    const auto violation = feed(std::move(bytes));
    return violation ? std::optional(violation->code) : std::nullopt;
  }

  WsFrameReader reader_{kLimit};
  Recorder sink_;
};

TEST_F(WsFrameReaderTest, ReadsMaskedTextFrames) {
  EXPECT_FALSE(feed(text("hello") + text("") + text(std::string(300, 'x'))));
  ASSERT_EQ(sink_.events.size(), 3u);
  EXPECT_EQ(sink_.events[0], "text:hello");
  EXPECT_EQ(sink_.events[1], "text:");
  EXPECT_EQ(sink_.events[2], "text:" + std::string(300, 'x'));
  EXPECT_EQ(reader_.held_bytes(), 0u);
}

TEST_F(WsFrameReaderTest, FramesCutAtEveryPointAreReassembled) {
  const std::string stream = text("first") + frame(0x01, "sec") + frame(0x89, "p") +
                             frame(0x80, "ond") + text(std::string(200, 'y'));
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    WsFrameReader reader(kLimit);
    Recorder sink;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      std::string piece = stream.substr(at, chunk);
      ASSERT_FALSE(reader.read(piece, sink)) << "chunk " << chunk;
    }
    const std::vector<std::string> expected = {"text:first", "ping:p", "text:second",
                                               "text:" + std::string(200, 'y')};
    EXPECT_EQ(sink.events, expected) << "chunk " << chunk;
    EXPECT_EQ(reader.held_bytes(), 0u) << "chunk " << chunk;
  }
}

TEST_F(WsFrameReaderTest, KeepsOnlyTheIncompleteFrame) {
  const std::string whole = text("done") + text("pending");
  EXPECT_FALSE(feed(whole.substr(0, whole.size() - 3)));
  EXPECT_EQ(sink_.events, std::vector<std::string>{"text:done"});
  EXPECT_EQ(reader_.held_bytes(), text("pending").size() - 3);
  EXPECT_FALSE(feed(whole.substr(whole.size() - 3)));
  EXPECT_EQ(sink_.events.back(), "text:pending");
  EXPECT_EQ(reader_.held_bytes(), 0u);
}

TEST_F(WsFrameReaderTest, ControlFramesBetweenFragments) {
  EXPECT_FALSE(feed(frame(0x01, "a") + frame(0x89, "ping") + frame(0x00, "b") + frame(0x8A, "") +
                    frame(0x80, "c")));
  const std::vector<std::string> expected = {"ping:ping", "pong", "text:abc"};
  EXPECT_EQ(sink_.events, expected);
}

TEST_F(WsFrameReaderTest, UnmaskedFrameIsAProtocolError) {
  EXPECT_EQ(code_of(frame(0x81, "hi", false)), CloseCode::protocol_error);
}

TEST_F(WsFrameReaderTest, ReservedBitsAndUnknownOpcodesAreProtocolErrors) {
  EXPECT_EQ(code_of(frame(0xC1, "hi")), CloseCode::protocol_error);  // RSV1
  for (const std::uint8_t opcode : {0x3, 0x7, 0xB, 0xF}) {
    WsFrameReader fresh(kLimit);
    std::string bytes = frame(static_cast<std::uint8_t>(0x80 | opcode), "");
    EXPECT_EQ(fresh.read(bytes, sink_)->code, CloseCode::protocol_error) << int(opcode);
  }
}

TEST_F(WsFrameReaderTest, ControlFramesMustBeShortAndWhole) {
  EXPECT_EQ(code_of(frame(0x89, std::string(126, 'p'))), CloseCode::protocol_error);
  WsFrameReader fragmented(kLimit);
  std::string ping = frame(0x09, "p");  // FIN clear
  EXPECT_EQ(fragmented.read(ping, sink_)->code, CloseCode::protocol_error);
}

TEST_F(WsFrameReaderTest, ContinuationWithoutAMessageAndTextInsideOneAreProtocolErrors) {
  EXPECT_EQ(code_of(frame(0x80, "x")), CloseCode::protocol_error);
  WsFrameReader reader(kLimit);
  std::string interleaved = frame(0x01, "a") + text("b");
  EXPECT_EQ(reader.read(interleaved, sink_)->code, CloseCode::protocol_error);
}

TEST_F(WsFrameReaderTest, LengthNotInShortestFormIsAProtocolError) {
  std::string bytes = frame(0x81, std::string(200, 'x'));
  bytes[1] = static_cast<char>(0x80 | 126);
  std::string padded =
      bytes.substr(0, 2) + std::string("\x00\x05", 2) + bytes.substr(4, 4) + std::string(5, 'x');
  EXPECT_EQ(code_of(padded), CloseCode::protocol_error);
}

TEST_F(WsFrameReaderTest, BinaryIsUnsupported) {
  const auto violation = feed(frame(0x82, "{}"));
  ASSERT_TRUE(violation);
  EXPECT_EQ(violation->code, CloseCode::unsupported_data);
}

TEST_F(WsFrameReaderTest, OversizeMessageIsRefusedBeforeItsPayloadArrives) {
  const std::string big = text(std::string(kLimit + 1, 'x'));
  EXPECT_EQ(code_of(big.substr(0, 8)), CloseCode::too_big);
  EXPECT_EQ(reader_.held_bytes(), 0u);
}

TEST_F(WsFrameReaderTest, MessageAtTheLimitPasses) {
  EXPECT_FALSE(feed(text(std::string(kLimit, 'x'))));
  EXPECT_EQ(sink_.events.size(), 1u);
}

TEST_F(WsFrameReaderTest, FragmentsOverTheLimitAreTooBig) {
  const std::string half(kLimit / 2, 'x');
  EXPECT_EQ(code_of(frame(0x01, half) + frame(0x00, half) + frame(0x80, "x")), CloseCode::too_big);
}

TEST_F(WsFrameReaderTest, HugeLengthIsTooBig) {
  std::string bytes = "\x81\xFF";
  bytes += std::string("\x7F\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 8);
  bytes += "mask";
  EXPECT_EQ(code_of(bytes), CloseCode::too_big);
}

TEST_F(WsFrameReaderTest, InvalidUtf8IsRefused) {
  EXPECT_EQ(code_of(text("\xff\xfe")), CloseCode::invalid_payload);
}

TEST_F(WsFrameReaderTest, CodePointSplitAcrossFragmentsIsValid) {
  // U+20AC (€) is E2 82 AC.
  EXPECT_FALSE(feed(frame(0x01, "\xE2") + frame(0x00, "\x82") + frame(0x80, "\xAC!")));
  EXPECT_EQ(sink_.events, std::vector<std::string>{"text:\xE2\x82\xAC!"});
}

TEST_F(WsFrameReaderTest, BadUtf8SplitAcrossFragmentsIsRefusedEarly) {
  // A surrogate (ED A0 80) cut between fragments: refused at the second, before the last.
  EXPECT_EQ(code_of(frame(0x01, "ok\xED") + frame(0x00, "\xA0\x80")), CloseCode::invalid_payload);
  EXPECT_TRUE(sink_.events.empty());
}

TEST_F(WsFrameReaderTest, MessageEndingInsideACodePointIsRefused) {
  EXPECT_EQ(code_of(frame(0x01, "a") + frame(0x80, "\xE2\x82")), CloseCode::invalid_payload);
}

TEST_F(WsFrameReaderTest, OverlongAndOutOfRangeFormsAreRefused) {
  for (const std::string_view bad : {"\xC0\xAF", "\xE0\x80\xAF", "\xF4\x90\x80\x80", "\xF5"}) {
    WsFrameReader reader(kLimit);
    std::string bytes = text(bad);
    EXPECT_EQ(reader.read(bytes, sink_)->code, CloseCode::invalid_payload);
  }
}

TEST_F(WsFrameReaderTest, CloseFrameEndsReading) {
  EXPECT_FALSE(feed(close_frame(1000, "bye") + text("after")));
  EXPECT_EQ(sink_.events, std::vector<std::string>{"close:1000:bye"});
  EXPECT_TRUE(reader_.done());
  EXPECT_FALSE(feed(text("later")));
  EXPECT_EQ(sink_.events.size(), 1u);
}

TEST_F(WsFrameReaderTest, EmptyCloseHasNoCode) {
  EXPECT_FALSE(feed(frame(0x88, "")));
  EXPECT_EQ(sink_.events, std::vector<std::string>{"close:none:"});
}

TEST_F(WsFrameReaderTest, BadCloseFramesAreRefused) {
  EXPECT_EQ(code_of(frame(0x88, "x")), CloseCode::protocol_error);
  for (const std::uint16_t code : {999, 1004, 1005, 1006, 1015, 2999, 5000}) {
    WsFrameReader reader(kLimit);
    std::string bytes = close_frame(code);
    EXPECT_EQ(reader.read(bytes, sink_)->code, CloseCode::protocol_error) << code;
  }
  WsFrameReader reader(kLimit);
  std::string bad_reason = close_frame(1000, "\xff");
  EXPECT_EQ(reader.read(bad_reason, sink_)->code, CloseCode::invalid_payload);
}

TEST_F(WsFrameReaderTest, ApplicationCloseCodesPass) {
  EXPECT_FALSE(feed(close_frame(4000)));
  EXPECT_EQ(sink_.events, std::vector<std::string>{"close:4000:"});
}

TEST_F(WsFrameReaderTest, NothingIsReadAfterAViolation) {
  EXPECT_TRUE(feed(frame(0x82, "bin")));
  EXPECT_FALSE(feed(text("after")));
  EXPECT_TRUE(sink_.events.empty());
}

}  // namespace
}  // namespace herald
