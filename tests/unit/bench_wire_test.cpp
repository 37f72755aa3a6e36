// The load generator's own parsers: WebSocket frames, the HTTP upgrade and publish responses,
// the stamps in delivered messages, and what it reads of /proc.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "bench/bench_target.hpp"
#include "bench/delivery_log.hpp"
#include "bench/http_response_head.hpp"
#include "bench/latency_histogram.hpp"
#include "bench/latency_timeline.hpp"
#include "bench/server_memory.hpp"
#include "bench/stamp.hpp"
#include "bench/ws_frame.hpp"
#include "bench/ws_handshake.hpp"

namespace herald::bench {
namespace {

using Status = WsFrameHeader::Status;

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int value : values)
    out.push_back(static_cast<char>(value));
  return out;
}

TEST(WsFrameHeader, ReadsASmallTextFrameInPlace) {
  const std::string frame = bytes({0x81, 0x05}) + "hello";
  const WsFrameHeader header = parse_ws_frame_header(frame);
  ASSERT_EQ(header.status, Status::complete);
  EXPECT_TRUE(header.fin);
  EXPECT_EQ(header.opcode, WsOpcode::text);
  EXPECT_EQ(header.header_size, 2u);
  EXPECT_EQ(header.payload_size, 5u);
  EXPECT_EQ(frame.substr(header.header_size, header.payload_size), "hello");
}

TEST(WsFrameHeader, ReadsExtendedLengths) {
  const WsFrameHeader medium = parse_ws_frame_header(bytes({0x01, 126, 0x01, 0x00}));
  ASSERT_EQ(medium.status, Status::complete);
  EXPECT_FALSE(medium.fin);
  EXPECT_EQ(medium.header_size, 4u);
  EXPECT_EQ(medium.payload_size, 256u);
  const WsFrameHeader large = parse_ws_frame_header(bytes({0x80, 127, 0, 0, 0, 0, 0, 1, 0, 0}));
  ASSERT_EQ(large.status, Status::complete);
  EXPECT_EQ(large.opcode, WsOpcode::continuation);
  EXPECT_EQ(large.header_size, 10u);
  EXPECT_EQ(large.payload_size, 65536u);
}

TEST(WsFrameHeader, WaitsForTheWholeHeader) {
  EXPECT_EQ(parse_ws_frame_header("").status, Status::incomplete);
  EXPECT_EQ(parse_ws_frame_header(bytes({0x81})).status, Status::incomplete);
  EXPECT_EQ(parse_ws_frame_header(bytes({0x81, 126, 0x01})).status, Status::incomplete);
  EXPECT_EQ(parse_ws_frame_header(bytes({0x81, 127, 0, 0, 0})).status, Status::incomplete);
}

TEST(WsFrameHeader, RefusesWhatNoServerMaySend) {
  EXPECT_EQ(parse_ws_frame_header(bytes({0x81, 0x85})).status, Status::invalid);  // masked
  EXPECT_EQ(parse_ws_frame_header(bytes({0xC1, 0x00})).status, Status::invalid);  // RSV1
  EXPECT_EQ(parse_ws_frame_header(bytes({0x83, 0x00})).status, Status::invalid);  // opcode 3
  EXPECT_EQ(parse_ws_frame_header(bytes({0x09, 0x00})).status, Status::invalid);  // split ping
  EXPECT_EQ(parse_ws_frame_header(bytes({0x89, 126, 0, 126})).status, Status::invalid);
  EXPECT_EQ(parse_ws_frame_header(bytes({0x81, 126, 0, 125})).status, Status::invalid);
  EXPECT_EQ(parse_ws_frame_header(bytes({0x81, 127, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF})).status,
            Status::invalid);
  EXPECT_EQ(parse_ws_frame_header(bytes({0x81, 127, 0x80, 0, 0, 0, 0, 0, 0, 0})).status,
            Status::invalid);
}

TEST(WsClientFrame, IsMaskedAndUnmasksToThePayload) {
  for (const std::size_t size : {0u, 5u, 125u, 126u, 70000u}) {
    const std::string payload(size, 'p');
    std::string frame;
    append_ws_client_frame(frame, WsOpcode::text, payload);
    ASSERT_GE(frame.size(), 6u);
    EXPECT_EQ(static_cast<std::uint8_t>(frame[0]), 0x81);
    EXPECT_NE(static_cast<std::uint8_t>(frame[1]) & 0x80, 0);
    // Cleared, the mask bit leaves a header the server-side parser reads.
    std::string unmasked = frame;
    unmasked[1] = static_cast<char>(static_cast<std::uint8_t>(unmasked[1]) & 0x7F);
    const WsFrameHeader header = parse_ws_frame_header(unmasked);
    ASSERT_EQ(header.status, Status::complete);
    ASSERT_EQ(header.payload_size, size);
    const std::string mask = frame.substr(header.header_size, 4);
    std::string decoded;
    for (std::size_t i = 0; i < size; ++i)
      decoded.push_back(static_cast<char>(frame[header.header_size + 4 + i] ^ mask[i % 4]));
    EXPECT_EQ(decoded, payload);
  }
}

TEST(WsCloseReason, NamesTheCodeAndReasonTheServerGave) {
  EXPECT_EQ(ws_close_reason(""), "close frame from the server");
  EXPECT_EQ(ws_close_reason("\x03"), "close frame from the server");
  EXPECT_EQ(ws_close_reason("\x03\xe9"), "close frame from the server: 1001");
  EXPECT_EQ(ws_close_reason("\x0f\xa8outbound queue full"),
            "close frame from the server: 4008 outbound queue full");
  EXPECT_EQ(ws_close_reason(std::string("\x03\xf3"
                                        "a\nb\0c\xff",
                                        8)),
            "close frame from the server: 1011 a?b?c?");
}

TEST(HttpResponseHead, AcceptsTheUpgradeForTheKeySent) {
  const std::string request = ws_upgrade_request("127.0.0.1:80", "/ws");
  EXPECT_TRUE(request.starts_with("GET /ws HTTP/1.1\r\n"));
  EXPECT_NE(request.find("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), std::string::npos);
  const std::string response =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "sec-websocket-accept:  s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02{}";
  const HttpResponseHead head = parse_http_response_head(response);
  ASSERT_EQ(head.status, HttpResponseHead::Status::complete);
  EXPECT_EQ(head.code, 101);
  EXPECT_EQ(response.substr(head.head_size), "\x81\x02{}");
  EXPECT_TRUE(ws_upgrade_accepted(head));
}

TEST(HttpResponseHead, RefusesAWrongAcceptOrStatus) {
  EXPECT_FALSE(ws_upgrade_accepted(parse_http_response_head(
      "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: nope\r\n\r\n")));
  const HttpResponseHead refused = parse_http_response_head(
      "HTTP/1.1 503 Service Unavailable\r\nretry-after: 2 \r\nContent-Length: 0\r\n\r\n");
  EXPECT_FALSE(ws_upgrade_accepted(refused));
  EXPECT_EQ(refused.retry_after, "2");
}

TEST(HttpResponseHead, ReadsTheBodyLength) {
  const HttpResponseHead head = parse_http_response_head(
      "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_EQ(head.status, HttpResponseHead::Status::complete);
  EXPECT_EQ(head.content_length, 12u);
  EXPECT_TRUE(head.chunked);
}

TEST(HttpResponseHead, IncompleteOrInvalid) {
  EXPECT_EQ(parse_http_response_head("HTTP/1.1 200 OK\r\nContent-Len").status,
            HttpResponseHead::Status::incomplete);
  EXPECT_EQ(parse_http_response_head("SSH-2.0\r\n\r\n").status, HttpResponseHead::Status::invalid);
  EXPECT_EQ(parse_http_response_head("HTTP/1.1 2x0 OK\r\n\r\n").status,
            HttpResponseHead::Status::invalid);
  EXPECT_EQ(parse_http_response_head("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n").status,
            HttpResponseHead::Status::invalid);
}

TEST(Stamp, RoundTripsThroughAHeraldMsgFrame) {
  const std::string text = stamp_text({.seq = 42, .sent_us = 123456789}, 64);
  EXPECT_EQ(text.size(), 64u);
  const std::string frame = R"({"op":"msg","room":"b1-3","seq":42,"id":null,"data":")" + text +
                            R"(","ts":1795899512710})";
  const auto stamp = find_stamp(frame);
  ASSERT_TRUE(stamp);
  EXPECT_EQ(stamp->seq, 42u);
  EXPECT_EQ(stamp->sent_us, 123456789);
  EXPECT_FALSE(find_stamp(R"({"op":"joined","room":"b1-3"})"));
  EXPECT_FALSE(find_stamp("hb:12"));
  EXPECT_FALSE(find_stamp("hb:12:x:"));
}

TEST(PublishRequest, CarriesTheSameDataToEitherServer) {
  const std::vector<PublishItem> one{{"r-1", "hb:1:2:"}};
  const std::string herald = publish_request(Target::herald, "h:1", "key", one);
  EXPECT_TRUE(herald.starts_with("POST /api/publish HTTP/1.1\r\n"));
  EXPECT_NE(herald.find("Authorization: Bearer key\r\n"), std::string::npos);
  EXPECT_TRUE(herald.ends_with(R"({"room":"r-1","data":"hb:1:2:"})"));
  const std::string nchan = publish_request(Target::nchan, "h:1", "key", one);
  EXPECT_TRUE(nchan.starts_with("POST /pub/r-1 HTTP/1.1\r\n"));
  EXPECT_NE(nchan.find("Content-Length: 9\r\n"), std::string::npos);
  EXPECT_TRUE(nchan.ends_with("\r\n\r\n\"hb:1:2:\""));
}

TEST(PublishRequest, SeveralMessagesAreAHeraldBatch) {
  const std::vector<PublishItem> two{{"r-1", "a"}, {"r-2", "b"}};
  const std::string herald = publish_request(Target::herald, "h:1", "key", two);
  EXPECT_TRUE(herald.ends_with(R"([{"room":"r-1","data":"a"},{"room":"r-2","data":"b"}])"));
  EXPECT_THROW(publish_request(Target::nchan, "h:1", "key", two), std::invalid_argument);
}

TEST(DeliveryLog, TellsDuplicatesFromLateArrivals) {
  DeliveryLog log;
  DeliveryCounts counts;
  for (const std::uint64_t seq : {1, 2, 4, 3, 4, 200, 1})
    counts.add(log.record(seq));
  EXPECT_EQ(log.unique(), 5u);
  EXPECT_EQ(counts.delivered, 5u);
  EXPECT_EQ(counts.out_of_order, 1u);
  EXPECT_EQ(counts.duplicates, 2u);
  EXPECT_THROW(log.record(0), std::invalid_argument);
}

TEST(LatencyHistogram, PercentilesWithinTheBucketPrecision) {
  LatencyHistogram histogram;
  for (int us = 1; us <= 100'000; ++us)
    histogram.add(us);
  EXPECT_EQ(histogram.count(), 100'000u);
  EXPECT_NEAR(histogram.percentile_us(50), 50'000, 50'000 * 0.016);
  EXPECT_NEAR(histogram.percentile_us(99), 99'000, 99'000 * 0.016);
  EXPECT_EQ(histogram.max_us(), 100'000);
  LatencyHistogram exact;
  exact.add(7);
  exact.add(-3);  // a clock step must not make a negative bucket
  EXPECT_EQ(exact.percentile_us(100), 7);
  EXPECT_EQ(exact.percentile_us(1), 0);
}

TEST(LatencyHistogram, SurvivesJsonAndMerges) {
  LatencyHistogram a;
  a.add(10);
  a.add(5000);
  LatencyHistogram b =
      LatencyHistogram::from_json(boost::json::parse(boost::json::serialize(a.to_json())));
  b.merge(a);
  EXPECT_EQ(b.count(), 4u);
  EXPECT_EQ(b.max_us(), 5000);
  EXPECT_EQ(b.percentile_us(50), 10);
  EXPECT_EQ(b.cdf().back().second, 100);
}

TEST(LatencyTimeline, KeepsTheWorstOfEachWindowBySendTime) {
  constexpr std::int64_t kStart = 7 * LatencyTimeline::kWindowUs + 30'000;  // mid-window
  LatencyTimeline a;
  a.add(kStart, 800);
  a.add(kStart + 80'000, 5'000);   // the next window
  a.add(kStart + 280'000, 1'200);  // three windows on, one empty before it
  LatencyTimeline b;
  b.add(kStart + 1'000, 2'000);  // the first window's worst
  b.add(kStart + 81'000, -4);    // a clock step counts as no wait
  b.merge(LatencyTimeline::from_json(boost::json::parse(boost::json::serialize(a.to_json()))));

  const std::vector<LatencyTimeline::Row> rows = b.rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].start_s, 0);
  EXPECT_EQ(rows[0].deliveries, 2u);
  EXPECT_EQ(rows[0].worst_ms, 2);
  EXPECT_EQ(rows[1].start_s, 0.1);
  EXPECT_EQ(rows[1].deliveries, 2u);
  EXPECT_EQ(rows[1].worst_ms, 5);
  EXPECT_EQ(rows[2].start_s, 0.3);
  EXPECT_EQ(rows[2].worst_ms, 1.2);
  EXPECT_EQ(b.windows(), 3u);
  EXPECT_EQ(b.windows_over(1'500), 2u);
  EXPECT_EQ(b.windows_over(5'000), 0u);
}

TEST(ServerMemory, ReadsProcFormats) {
  EXPECT_EQ(vm_rss_from_status("Name:\therald\nVmPeak:\t  9 kB\nVmRSS:\t   2048 kB\n"),
            2048u * 1024);
  EXPECT_FALSE(vm_rss_from_status("Name:\tkthreadd\n"));
  EXPECT_EQ(tcp_pages_from_sockstat("sockets: used 9\nTCP: inuse 5 orphan 0 tw 2 alloc 7 mem 31\n"
                                    "UDP: inuse 0 mem 4\n"),
            31u);
  EXPECT_TRUE(resident_bytes(::getpid()));
}

}  // namespace
}  // namespace herald::bench
