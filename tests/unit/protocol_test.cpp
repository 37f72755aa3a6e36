#include "core/protocol.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>
#include <string>
#include <string_view>

#include "core/frames.hpp"
#include "core/json_text.hpp"

namespace herald {
namespace {

namespace json = boost::json;

// --- decoding helpers --------------------------------------------------------------------------

// Decodes `text` and expects a frame of type T; a default T on mismatch (the failure is reported).
template <typename T>
T decode_as(std::string_view text) {
  ClientFrame frame = decode_client_frame(text);
  const T* decoded = std::get_if<T>(&frame);
  if (decoded == nullptr) {
    const auto* error = std::get_if<DecodeError>(&frame);
    ADD_FAILURE() << "decoding " << text << " gave variant #" << frame.index()
                  << (error
                          ? " (" + std::string(to_string(error->code)) + ": " + error->reason + ")"
                          : std::string());
    return T{};
  }
  return *decoded;
}

DecodeError decode_error(std::string_view text, ProtocolError expected) {
  const auto error = decode_as<DecodeError>(text);
  EXPECT_EQ(to_string(error.code), to_string(expected)) << text;
  EXPECT_FALSE(error.reason.empty()) << text;
  return error;
}

std::string join_frame(std::string_view room) {
  json::object frame{{"op", "join"}, {"room", room}};
  return json::serialize(frame);
}

std::string room_frame(std::string_view op, const json::value& room) {
  json::object frame{{"op", op}, {"room", room}};
  if (op == "publish") frame["data"] = 1;
  return json::serialize(frame);
}

std::string publish_frame(const json::value& id, std::string_view data = "1") {
  std::string out = R"({"op":"publish","room":"r1","id":)" + json::serialize(id);
  out += R"(,"data":)";
  out += data;
  out += '}';
  return out;
}

// --- encoding helpers --------------------------------------------------------------------------

json::object parse_object(const std::string& text) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  EXPECT_FALSE(ec) << "not JSON: " << text << " (" << ec.message() << ")";
  if (ec || !value.is_object()) {
    ADD_FAILURE() << "not a JSON object: " << text;
    return {};
  }
  EXPECT_EQ(text.find('\n'), std::string::npos) << "frames never contain a newline";
  return value.as_object();
}

std::string str(const json::object& object, std::string_view key) {
  return std::string(object.at(key).as_string());
}

std::uint64_t u64(const json::object& object, std::string_view key) {
  return object.at(key).to_number<std::uint64_t>();
}

Message message(Seq seq, std::string id = "m-1", std::string data = R"({"text":"hi"})") {
  return Message{"chat:lobby", seq, std::move(id), std::move(data), 1795899510302};
}

// Text that stresses JSON string escaping.
const std::string kAwkward = "quote\" backslash\\ slash/ nl\n cr\r tab\t bs\b ff\f nul" +
                             std::string(1, '\0') +
                             " us\x1f"
                             " del\x7f"
                             " utf8:\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80";

// === decoding ==================================================================================

TEST(protocol, DecodeHelloWithoutClient) {
  EXPECT_EQ(decode_as<HelloFrame>(R"({"op":"hello"})").client, "");
}

TEST(protocol, DecodeHelloWithClientAndUnknownFields) {
  const auto hello = decode_as<HelloFrame>(R"({"op":"hello","client":"demo/1","token":"x"})");
  EXPECT_EQ(hello.client, "demo/1");
}

TEST(protocol, DecodeHelloLongClientNameIsTruncated) {
  const std::string name(300, 'c');
  const auto hello = decode_as<HelloFrame>(R"({"op":"hello","client":")" + name + "\"}");
  EXPECT_EQ(hello.client, std::string(128, 'c'));
}

TEST(protocol, DecodeHelloClientMustBeAString) {
  decode_error(R"({"op":"hello","client":7})", ProtocolError::bad_frame);
}

TEST(protocol, DecodeJoinWithoutSinceIsLiveOnly) {
  const auto join = decode_as<JoinFrame>(R"({"op":"join","room":"chat:lobby"})");
  EXPECT_EQ(join.room, "chat:lobby");
  EXPECT_FALSE(join.since.has_value());
}

TEST(protocol, DecodeJoinNullSinceIsLiveOnly) {
  EXPECT_FALSE(decode_as<JoinFrame>(R"({"op":"join","room":"a","since":null})").since);
}

TEST(protocol, DecodeJoinWithSince) {
  const auto join = decode_as<JoinFrame>(R"({"op":"join","room":"a","since":41})");
  ASSERT_TRUE(join.since.has_value());
  EXPECT_EQ(*join.since, 41u);
}

TEST(protocol, DecodeJoinSinceZeroIsNotLiveOnly) {
  const auto join = decode_as<JoinFrame>(R"({"op":"join","room":"a","since":0})");
  ASSERT_TRUE(join.since.has_value());
  EXPECT_EQ(*join.since, 0u);
}

TEST(protocol, DecodeJoinSinceUpToTheLargestSeq) {
  const auto join =
      decode_as<JoinFrame>(R"({"op":"join","room":"a","since":18446744073709551615})");
  ASSERT_TRUE(join.since.has_value());
  EXPECT_EQ(*join.since, std::numeric_limits<Seq>::max());
}

TEST(protocol, DecodeJoinInvalidSinceIsRefusedNamingTheRoom) {
  for (const std::string since : {"-1", "\"5\"", "1.5", "true", "[1]", "{}"}) {
    SCOPED_TRACE(since);
    const auto error = decode_error(R"({"op":"join","room":"chat:lobby","since":)" + since + "}",
                                    ProtocolError::bad_frame);
    EXPECT_EQ(error.room, "chat:lobby");
    EXPECT_NE(error.reason.find("since"), std::string::npos) << error.reason;
  }
}

TEST(protocol, DecodeLeaveLeave) {
  EXPECT_EQ(decode_as<LeaveFrame>(R"({"op":"leave","room":"user:42/inbox"})").room,
            "user:42/inbox");
}

TEST(protocol, DecodePublishWithId) {
  const auto publish =
      decode_as<PublishFrame>(R"({"op":"publish","room":"r","id":"c7-1","data":1})");
  EXPECT_EQ(publish.room, "r");
  EXPECT_EQ(publish.id, "c7-1");
  EXPECT_EQ(publish.data, "1");
}

TEST(protocol, DecodePublishWithoutIdOrNullId) {
  EXPECT_EQ(decode_as<PublishFrame>(R"({"op":"publish","room":"r","data":1})").id, "");
  EXPECT_EQ(decode_as<PublishFrame>(R"({"op":"publish","room":"r","id":null,"data":1})").id, "");
}

TEST(protocol, DecodePublishIdOfEveryPrintableCharacterAndMaximalLength) {
  std::string printable;
  for (char c = 0x21; c <= 0x7e; ++c)
    printable += c;
  EXPECT_EQ(decode_as<PublishFrame>(publish_frame(json::value(printable))).id, printable);
  const std::string longest(128, 'x');
  EXPECT_EQ(decode_as<PublishFrame>(publish_frame(json::value(longest))).id, longest);
}

TEST(protocol, DecodePublishDataOfEveryJsonType) {
  const std::string values[] = {
      R"({"text":"hi","n":[1,2,{"deep":null}]})",
      "[1,\"two\",3.5,false]",
      "\"plain string\"",
      "\"esc \\\" \\\\ \\n \\u0001 \\u00fc \\ud83d\\ude00\"",
      "42",
      "-7",
      "18446744073709551615",
      "3.25",
      "-1e-3",
      "true",
      "false",
      "null",
      "{}",
      "[]",
  };
  for (const auto& data : values) {
    SCOPED_TRACE(data);
    const auto publish = decode_as<PublishFrame>(publish_frame(json::value("id"), data));
    // Re-serialised: the same JSON value, not necessarily the same text.
    EXPECT_EQ(json::parse(publish.data), json::parse(data));
  }
}

TEST(protocol, DecodePublishDataIsReserialisedCompactly) {
  const auto publish =
      decode_as<PublishFrame>(R"({"op":"publish","room":"r","data": { "a" : [ 1 , 2 ] } })");
  EXPECT_EQ(publish.data, R"({"a":[1,2]})");
}

TEST(protocol, DecodePublishRefusesNumbersNoDoubleHolds) {
  for (const char* data : {"1e1000", "[1,-1e999]", R"({"a":{"b":1e400}})"}) {
    const auto error =
        decode_error(std::string(R"({"op":"publish","room":"r","id":"m1","data":)") + data + "}",
                     ProtocolError::bad_frame);
    EXPECT_NE(error.reason.find("data"), std::string::npos) << data << ": " << error.reason;
  }
  const auto largest = decode_as<PublishFrame>(R"({"op":"publish","room":"r","data":1.7e308})");
  EXPECT_EQ(boost::json::parse(largest.data).as_double(), 1.7e308);
}

TEST(protocol, DecodePublishWithoutDataIsRefusedNamingRoomAndId) {
  const auto error =
      decode_error(R"({"op":"publish","room":"r","id":"m1"})", ProtocolError::bad_frame);
  EXPECT_EQ(error.room, "r");
  EXPECT_EQ(error.id, "m1");
  EXPECT_NE(error.reason.find("data"), std::string::npos) << error.reason;
}

TEST(protocol, DecodePublishInvalidIdIsRefusedNamingTheRoomOnly) {
  const json::value ids[] = {
      json::value(std::string(129, 'x')),  // too long
      json::value(""),                     // too short
      json::value("a\x01z"),               // control character
      json::value("tab\there"),
      json::value("caf\xc3\xa9"),  // not ASCII
      json::value("del\x7f"),
      json::value(5),
      json::value(true),
      json::value(json::array{"x"}),
      json::value(json::object{{"k", "v"}}),
  };
  for (const auto& id : ids) {
    SCOPED_TRACE(json::serialize(id));
    const auto error = decode_error(publish_frame(id), ProtocolError::bad_frame);
    EXPECT_EQ(error.room, "r1");
    EXPECT_EQ(error.id, "");
    EXPECT_NE(error.reason.find("id"), std::string::npos) << error.reason;
  }
}

TEST(protocol, DecodePublishRequestBodyWithoutOp) {
  const auto result = decode_publish_request(R"({"room":"r","data":{"x":1},"id":"k"})");
  const auto* request = std::get_if<PublishRequest>(&result);
  ASSERT_NE(request, nullptr);
  EXPECT_FALSE(request->batch);
  ASSERT_EQ(request->messages.size(), 1U);
  EXPECT_EQ(request->messages[0].room, "r");
  EXPECT_EQ(request->messages[0].id, "k");
  EXPECT_EQ(request->messages[0].data, R"({"x":1})");
}

TEST(protocol, DecodePublishRequestBatchKeepsTheOrder) {
  const auto result =
      decode_publish_request(R"([{"room":"a","data":1,"id":"x"},{"room":"b","data":[2]}])");
  const auto* request = std::get_if<PublishRequest>(&result);
  ASSERT_NE(request, nullptr);
  EXPECT_TRUE(request->batch);
  ASSERT_EQ(request->messages.size(), 2U);
  EXPECT_EQ(request->messages[0].room, "a");
  EXPECT_EQ(request->messages[0].id, "x");
  EXPECT_EQ(request->messages[1].room, "b");
  EXPECT_EQ(request->messages[1].data, "[2]");
}

TEST(protocol, DecodePublishRequestBatchErrorsNameTheMessage) {
  const auto bad = decode_publish_request(R"([{"room":"a","data":1},{"room":"a"}])");
  ASSERT_TRUE(std::holds_alternative<DecodeError>(bad));
  EXPECT_EQ(std::get<DecodeError>(bad).code, ProtocolError::bad_frame);
  EXPECT_TRUE(std::get<DecodeError>(bad).reason.starts_with("message 1: "));
  const auto not_object = decode_publish_request(R"([{"room":"a","data":1},7])");
  ASSERT_TRUE(std::holds_alternative<DecodeError>(not_object));
  EXPECT_EQ(std::get<DecodeError>(not_object).code, ProtocolError::bad_json);
  const auto empty = decode_publish_request("[]");
  ASSERT_TRUE(std::holds_alternative<DecodeError>(empty));
  EXPECT_EQ(std::get<DecodeError>(empty).code, ProtocolError::bad_frame);
  std::string too_many = "[";
  for (std::size_t i = 0; i <= kMaxPublishBatch; ++i)
    too_many += std::string(i == 0 ? "" : ",") + R"({"room":"a","data":1})";
  const auto over = decode_publish_request(too_many + "]");
  ASSERT_TRUE(std::holds_alternative<DecodeError>(over));
  EXPECT_EQ(std::get<DecodeError>(over).code, ProtocolError::bad_frame);
}

TEST(protocol, DecodePublishRequestErrors) {
  const auto not_json = decode_publish_request("{");
  ASSERT_TRUE(std::holds_alternative<DecodeError>(not_json));
  EXPECT_EQ(std::get<DecodeError>(not_json).code, ProtocolError::bad_json);
  const auto no_room = decode_publish_request(R"({"data":1})");
  ASSERT_TRUE(std::holds_alternative<DecodeError>(no_room));
  EXPECT_EQ(std::get<DecodeError>(no_room).code, ProtocolError::bad_frame);
  const auto scalar = decode_publish_request("3");
  ASSERT_TRUE(std::holds_alternative<DecodeError>(scalar));
  EXPECT_EQ(std::get<DecodeError>(scalar).code, ProtocolError::bad_json);
}

TEST(protocol, DecodeErrorNotJson) {
  for (const std::string_view text :
       {"", "not json", "{", R"({"op":"hello"} trailing)", R"({"op":'hello'})",
        "{\"op\":\"hello\",\"client\":\"\xff\xfe\"}"}) {
    SCOPED_TRACE(text);
    decode_error(text, ProtocolError::bad_json);
  }
}

TEST(protocol, DecodeErrorJsonButNotAnObject) {
  for (const std::string_view text :
       {"[]", R"(["op","hello"])", "\"hello\"", "42", "null", "true"}) {
    SCOPED_TRACE(text);
    decode_error(text, ProtocolError::bad_json);
  }
}

TEST(protocol, DecodeErrorMissingOrMistypedOp) {
  for (const std::string_view text :
       {"{}", R"({"room":"a"})", R"({"op":5})", R"({"op":null})", R"({"op":["join"]})"}) {
    SCOPED_TRACE(text);
    const auto error = decode_error(text, ProtocolError::bad_frame);
    EXPECT_NE(error.reason.find("op"), std::string::npos) << error.reason;
  }
}

TEST(protocol, DecodeErrorUnknownOp) {
  for (const std::string_view text : {R"({"op":"dance"})", R"({"op":"JOIN","room":"a"})",
                                      R"({"op":""})", R"({"op":"msg","room":"a"})"}) {
    SCOPED_TRACE(text);
    decode_error(text, ProtocolError::unknown_op);
  }
}

TEST(protocol, DecodeErrorMissingOrMistypedRoom) {
  for (const std::string_view op : {"join", "leave", "publish"}) {
    SCOPED_TRACE(op);
    const std::string missing = R"({"op":")" + std::string(op) + R"(","data":1})";
    EXPECT_NE(decode_error(missing, ProtocolError::bad_frame).reason.find("room"),
              std::string::npos);
    for (const json::value& room :
         {json::value(5), json::value(nullptr), json::value(true), json::value(json::array{"a"})}) {
      decode_error(room_frame(op, room), ProtocolError::bad_frame);
    }
  }
}

TEST(protocol, DecodeErrorInvalidRoomNames) {
  const std::string names[] = {
      "",
      std::string(129, 'a'),
      std::string(300, 'b'),
      "with space",
      " lead",
      "tab\tname",
      "caf\xc3\xa9",               // é
      "\xe6\x88\xbf\xe9\x97\xb4",  // 房间
      "q?x",
      "a#b",
      "a\"b",
      "back\\slash",
      "pct%20",
  };
  for (const std::string_view op : {"join", "leave", "publish"}) {
    for (const auto& name : names) {
      SCOPED_TRACE(std::string(op) + " " + name);
      const auto error = decode_error(room_frame(op, json::value(name)), ProtocolError::bad_room);
      // Echoed so the client knows which frame failed; too long a name is left out instead.
      EXPECT_EQ(error.room, name.size() <= 256 ? name : "");
    }
  }
}

TEST(protocol, DecodeErrorValidRoomNamesAtTheEdges) {
  const std::string all = "AZaz09_.:@/-";
  EXPECT_EQ(decode_as<JoinFrame>(join_frame(all)).room, all);
  EXPECT_EQ(decode_as<JoinFrame>(join_frame("x")).room, "x");
  const std::string longest(128, 'r');
  EXPECT_EQ(decode_as<JoinFrame>(join_frame(longest)).room, longest);
}

TEST(protocol, ValidNamesRooms) {
  EXPECT_TRUE(valid_room("a"));
  EXPECT_TRUE(valid_room(std::string(128, 'a')));
  EXPECT_FALSE(valid_room(std::string(129, 'a')));
  EXPECT_FALSE(valid_room(""));
  EXPECT_FALSE(valid_room(std::string_view("a\0b", 3)));
  EXPECT_FALSE(valid_room("\xc3\xbc"));
}

TEST(protocol, ValidNamesMessageIds) {
  EXPECT_TRUE(valid_message_id("!"));
  EXPECT_TRUE(valid_message_id("~"));
  EXPECT_TRUE(valid_message_id(std::string(128, 'i')));
  EXPECT_FALSE(valid_message_id(std::string(129, 'i')));
  EXPECT_FALSE(valid_message_id(""));
  EXPECT_FALSE(valid_message_id("\x7f"));
  EXPECT_FALSE(valid_message_id("\x80"));
  EXPECT_FALSE(valid_message_id(std::string_view("a\0b", 3)));
}

// === encoding ==================================================================================

TEST(protocol, EncodeMsgEveryField) {
  const auto frame = parse_object(encode_msg(message(42)));
  EXPECT_EQ(frame.size(), 6u) << json::serialize(frame);
  EXPECT_EQ(str(frame, "op"), "msg");
  EXPECT_EQ(str(frame, "room"), "chat:lobby");
  EXPECT_EQ(u64(frame, "seq"), 42u);
  EXPECT_EQ(str(frame, "id"), "m-1");
  EXPECT_EQ(frame.at("data"), json::parse(R"({"text":"hi"})"));
  EXPECT_EQ(u64(frame, "ts"), 1795899510302u);
}

TEST(protocol, EncodeMsgAbsentIdIsNull) {
  const auto frame = parse_object(encode_msg(message(1, "")));
  ASSERT_TRUE(frame.contains("id"));
  EXPECT_TRUE(frame.at("id").is_null());
}

TEST(protocol, EncodeMsgDataOfEveryJsonTypeIsEmbeddedAsIs) {
  for (const std::string data : {"null", "true", "-3", "2.5", "\"s\\\"q\"", "[1,[2]]", "{}"}) {
    SCOPED_TRACE(data);
    EXPECT_EQ(parse_object(encode_msg(message(1, "i", data))).at("data"), json::parse(data));
  }
}

TEST(protocol, EncodeMsgLargestSeq) {
  const auto frame = parse_object(encode_msg(message(std::numeric_limits<Seq>::max())));
  EXPECT_EQ(u64(frame, "seq"), std::numeric_limits<Seq>::max());
}

TEST(protocol, EncodeMsgEnvelopeCarriesTheEncodedFrame) {
  const Message msg = message(7);
  const EnvelopePtr envelope = make_envelope(msg);
  ASSERT_NE(envelope->frame, nullptr);
  EXPECT_EQ(*envelope->frame, encode_msg(msg));
  EXPECT_EQ(envelope->msg.seq, 7u);
}

TEST(protocol, EncodeWelcomeEveryField) {
  Limits limits;
  limits.max_frame_bytes = 1000;
  limits.max_rooms = 7;
  limits.publish_rate = 12;
  limits.publish_burst = 24;
  limits.outbound_queue_bytes = 4096;
  limits.heartbeat = std::chrono::milliseconds(1500);
  const auto frame = parse_object(encode_welcome("4f1c9a2b7d3e5f60", limits));
  EXPECT_EQ(str(frame, "op"), "welcome");
  EXPECT_EQ(u64(frame, "version"), 1u);
  EXPECT_EQ(str(frame, "session"), "4f1c9a2b7d3e5f60");
  EXPECT_EQ(u64(frame, "heartbeat_ms"), 1500u);
  const auto& l = frame.at("limits").as_object();
  EXPECT_EQ(l.size(), 5u);
  EXPECT_EQ(u64(l, "max_frame_bytes"), 1000u);
  EXPECT_EQ(u64(l, "max_rooms"), 7u);
  EXPECT_EQ(u64(l, "publish_rate"), 12u);
  EXPECT_EQ(u64(l, "publish_burst"), 24u);
  EXPECT_EQ(u64(l, "outbound_queue_bytes"), 4096u);
}

// Config accepts any positive rate: 0.5/s must not be announced as 0, which would tell the
// client it may not publish at all.
TEST(protocol, EncodeWelcomeKeepsAFractionalPublishRate) {
  Limits limits;
  limits.publish_rate = 0.5;
  limits.publish_burst = 1.5;
  const auto frame = parse_object(encode_welcome("s", limits));
  const auto& l = frame.at("limits").as_object();
  EXPECT_DOUBLE_EQ(l.at("publish_rate").to_number<double>(), 0.5);
  EXPECT_DOUBLE_EQ(l.at("publish_burst").to_number<double>(), 1.5);
}

TEST(protocol, EncodeJoinedRecovered) {
  const auto frame = parse_object(encode_joined({"chat:lobby", 43, true, 42}));
  EXPECT_EQ(frame.size(), 5u);
  EXPECT_EQ(str(frame, "op"), "joined");
  EXPECT_EQ(str(frame, "room"), "chat:lobby");
  EXPECT_EQ(u64(frame, "seq"), 43u);
  EXPECT_EQ(frame.at("recovered"), json::value(true));
  EXPECT_EQ(u64(frame, "from"), 42u);
}

TEST(protocol, EncodeJoinedNotRecovered) {
  const auto frame = parse_object(encode_joined({"r", 9, false, 10}));
  EXPECT_EQ(frame.at("recovered"), json::value(false));
  EXPECT_EQ(u64(frame, "seq"), 9u);
  EXPECT_EQ(u64(frame, "from"), 10u);
}

TEST(protocol, EncodeLeftRoom) {
  const auto frame = parse_object(encode_left("user:1"));
  EXPECT_EQ(frame.size(), 2u);
  EXPECT_EQ(str(frame, "op"), "left");
  EXPECT_EQ(str(frame, "room"), "user:1");
}

TEST(protocol, EncodeAckEveryField) {
  for (const bool duplicate : {false, true}) {
    const auto frame = parse_object(encode_ack("c9-1", "chat:lobby", 44, duplicate));
    EXPECT_EQ(frame.size(), 5u);
    EXPECT_EQ(str(frame, "op"), "ack");
    EXPECT_EQ(str(frame, "id"), "c9-1");
    EXPECT_EQ(str(frame, "room"), "chat:lobby");
    EXPECT_EQ(u64(frame, "seq"), 44u);
    EXPECT_EQ(frame.at("duplicate"), json::value(duplicate));
  }
}

TEST(protocol, EncodeAckAbsentIdIsNull) {
  const auto frame = parse_object(encode_ack("", "r", 1, false));
  ASSERT_TRUE(frame.contains("id"));
  EXPECT_TRUE(frame.at("id").is_null());
}

TEST(protocol, EncodeErrorCodeAndReasonOnly) {
  const auto frame = parse_object(encode_error({"bad_json", "not valid JSON"}));
  EXPECT_EQ(frame.size(), 3u) << json::serialize(frame);
  EXPECT_EQ(str(frame, "op"), "error");
  EXPECT_EQ(str(frame, "code"), "bad_json");
  EXPECT_EQ(str(frame, "reason"), "not valid JSON");
}

TEST(protocol, EncodeErrorWithRoomIdAndRetry) {
  const auto frame = parse_object(encode_error({"rate_limited", "slow down", "r", "m1", 1500}));
  EXPECT_EQ(frame.size(), 6u);
  EXPECT_EQ(str(frame, "code"), "rate_limited");
  EXPECT_EQ(str(frame, "room"), "r");
  EXPECT_EQ(str(frame, "id"), "m1");
  EXPECT_EQ(u64(frame, "retry_after_ms"), 1500u);
}

TEST(protocol, EncodeErrorZeroRetryIsSent) {
  const auto frame = parse_object(encode_error({"rate_limited", "x", {}, {}, 0}));
  EXPECT_EQ(u64(frame, "retry_after_ms"), 0u);
  EXPECT_FALSE(frame.contains("room"));
  EXPECT_FALSE(frame.contains("id"));
}

TEST(protocol, JsonEscapingAppendJsonStringRoundTrips) {
  std::string out = "prefix:";
  append_json_string(out, kAwkward);
  ASSERT_EQ(out.rfind("prefix:", 0), 0u);
  const json::value parsed = json::parse(std::string_view(out).substr(7));
  EXPECT_EQ(parsed.as_string(), kAwkward);
}

TEST(protocol, JsonEscapingEmptyString) {
  std::string out;
  append_json_string(out, "");
  EXPECT_EQ(out, "\"\"");
}

TEST(protocol, JsonEscapingEveryControlCharacterRoundTrips) {
  std::string controls;
  for (int c = 0; c < 0x20; ++c)
    controls += static_cast<char>(c);
  std::string out;
  append_json_string(out, controls);
  EXPECT_EQ(json::parse(out).as_string(), controls);
}

TEST(protocol, JsonEscapingInErrorReasonRoomAndId) {
  const auto frame = parse_object(encode_error({"bad_frame", kAwkward, kAwkward, kAwkward, -1}));
  EXPECT_EQ(str(frame, "reason"), kAwkward);
  EXPECT_EQ(str(frame, "room"), kAwkward);
  EXPECT_EQ(str(frame, "id"), kAwkward);
}

TEST(protocol, JsonEscapingInMsgRoomAndId) {
  Message msg = message(3, kAwkward);
  msg.room = kAwkward;
  const auto frame = parse_object(encode_msg(msg));
  EXPECT_EQ(str(frame, "room"), kAwkward);
  EXPECT_EQ(str(frame, "id"), kAwkward);
}

TEST(protocol, JsonEscapingInAckJoinedLeftAndWelcome) {
  EXPECT_EQ(str(parse_object(encode_ack(kAwkward, kAwkward, 1, false)), "id"), kAwkward);
  EXPECT_EQ(str(parse_object(encode_ack(kAwkward, kAwkward, 1, false)), "room"), kAwkward);
  EXPECT_EQ(str(parse_object(encode_joined({kAwkward, 1, true, 2})), "room"), kAwkward);
  EXPECT_EQ(str(parse_object(encode_left(kAwkward)), "room"), kAwkward);
  EXPECT_EQ(str(parse_object(encode_welcome(kAwkward, Limits{})), "session"), kAwkward);
}

// === presence, typing and heartbeat ============================================================

TEST(protocol, DecodeHelloWithUserAndInfo) {
  const auto hello =
      decode_as<HelloFrame>(R"({"op":"hello","user":"u-1@x","info":{"name":"Ann", "n": 1}})");
  EXPECT_EQ(hello.user, "u-1@x");
  EXPECT_EQ(hello.info, R"({"name":"Ann","n":1})");
}

TEST(protocol, DecodeHelloWithoutUserIsAnonymous) {
  const auto hello = decode_as<HelloFrame>(R"({"op":"hello","user":null})");
  EXPECT_EQ(hello.user, "");
  EXPECT_EQ(hello.info, "");
}

TEST(protocol, DecodeHelloInvalidUserIsRefused) {
  decode_error(R"({"op":"hello","user":7})", ProtocolError::bad_frame);
  decode_error(R"({"op":"hello","user":""})", ProtocolError::bad_frame);
  decode_error(R"({"op":"hello","user":"has space"})", ProtocolError::bad_frame);
  const std::string longest(121, 'u');
  EXPECT_EQ(decode_as<HelloFrame>(R"({"op":"hello","user":")" + longest + "\"}").user, longest);
  decode_error(R"({"op":"hello","user":")" + longest + "u\"}", ProtocolError::bad_frame);
}

TEST(protocol, DecodeHelloInfoMustBeASmallObject) {
  const auto error =
      decode_error(R"({"op":"hello","user":"u","info":[1]})", ProtocolError::bad_frame);
  EXPECT_NE(error.reason.find("info"), std::string::npos) << error.reason;
  decode_error(R"({"op":"hello","user":"u","info":"text"})", ProtocolError::bad_frame);
  // {"a":"…"} serialises to 8 bytes plus the text.
  const std::string fits(kMaxInfoBytes - 8, 'x');
  EXPECT_EQ(decode_as<HelloFrame>(R"({"op":"hello","info":{"a":")" + fits + "\"}}").info.size(),
            kMaxInfoBytes);
  decode_error(R"({"op":"hello","info":{"a":")" + fits + "x\"}}", ProtocolError::bad_frame);
}

TEST(protocol, DecodeHeartbeat) {
  decode_as<HeartbeatFrame>(R"({"op":"heartbeat"})");
  decode_as<HeartbeatFrame>(R"({"op":"heartbeat","ts":1})");
}

TEST(protocol, DecodeTyping) {
  EXPECT_EQ(decode_as<TypingFrame>(R"({"op":"typing","room":"chat"})").room, "chat");
  decode_error(R"({"op":"typing"})", ProtocolError::bad_frame);
  decode_error(R"({"op":"typing","room":"bad room"})", ProtocolError::bad_room);
}

TEST(protocol, DecodePresenceQuery) {
  const auto list = decode_as<PresenceFrame>(R"({"op":"presence","room":"chat"})");
  EXPECT_EQ(list.room, "chat");
  EXPECT_FALSE(list.counts);
  EXPECT_TRUE(decode_as<PresenceFrame>(R"({"op":"presence","room":"c","counts":true})").counts);
  const auto error =
      decode_error(R"({"op":"presence","room":"c","counts":1})", ProtocolError::bad_frame);
  EXPECT_EQ(error.room, "c");
  decode_error(R"({"op":"presence"})", ProtocolError::bad_frame);
}

TEST(protocol, StatusRoomsAreReadOnly) {
  EXPECT_EQ(decode_as<JoinFrame>(join_frame("status:alice")).room, "status:alice");
  EXPECT_EQ(decode_as<PresenceFrame>(room_frame("presence", "status:alice")).room, "status:alice");
  for (const char* op : {"publish", "typing"}) {
    const auto error = decode_error(room_frame(op, "status:alice"), ProtocolError::read_only_room);
    EXPECT_EQ(error.room, "status:alice");
  }
  const auto body = decode_publish_request(R"({"room":"status:alice","data":1})");
  ASSERT_TRUE(std::holds_alternative<DecodeError>(body));
  EXPECT_EQ(std::get<DecodeError>(body).code, ProtocolError::read_only_room);
}

TEST(protocol, ValidNamesStatusRoomsNameAUser) {
  EXPECT_TRUE(is_status_room("status:u"));
  EXPECT_FALSE(is_status_room("statusu"));
  EXPECT_EQ(status_room("u"), "status:u");
  EXPECT_FALSE(valid_room("status:"));
  EXPECT_TRUE(valid_room(status_room(std::string(121, 'u'))));
  EXPECT_TRUE(valid_user("a@b.c/d-e_f:g"));
  EXPECT_FALSE(valid_user(std::string(122, 'u')));
}

TEST(protocol, EncodePresenceList) {
  PresenceList list;
  list.members = {{"ann", R"({"n":1})", 2}, {"bob", "", 1}};
  list.count = 2;
  const auto frame = parse_object(encode_presence_list("chat", list));
  EXPECT_EQ(str(frame, "op"), "presence");
  EXPECT_EQ(str(frame, "room"), "chat");
  EXPECT_FALSE(frame.contains("count"));
  const auto& members = frame.at("members").as_array();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].at("user").as_string(), "ann");
  EXPECT_EQ(members[0].at("info").at("n").as_int64(), 1);
  EXPECT_EQ(members[0].at("sessions").as_int64(), 2);
  EXPECT_TRUE(members[1].at("info").as_object().empty()) << "no info is an empty object";
}

TEST(protocol, EncodePresenceCountsOnly) {
  PresenceList list;
  list.count = 1500;
  list.counts_only = true;
  const auto frame = parse_object(encode_presence_list("big", list));
  EXPECT_EQ(frame.size(), 3u);
  EXPECT_EQ(u64(frame, "count"), 1500u);
  EXPECT_EQ(parse_object(encode_presence_count("big", 1500)), frame);
}

TEST(protocol, EncodePresenceDiff) {
  const auto frame =
      parse_object(encode_presence_diff("chat", {{"ann", R"({"n":1})", 1}}, {"bob", kAwkward}));
  EXPECT_EQ(str(frame, "op"), "presence");
  EXPECT_EQ(str(frame, "room"), "chat");
  const auto& joins = frame.at("joins").as_array();
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(joins[0].at("user").as_string(), "ann");
  EXPECT_EQ(joins[0].at("info").at("n").as_int64(), 1);
  EXPECT_FALSE(joins[0].as_object().contains("sessions"));
  const auto& leaves = frame.at("leaves").as_array();
  ASSERT_EQ(leaves.size(), 2u);
  EXPECT_EQ(leaves[0].at("user").as_string(), "bob");
  EXPECT_EQ(leaves[1].at("user").as_string(), kAwkward);
  const auto empty = parse_object(encode_presence_diff("chat", {}, {}));
  EXPECT_TRUE(empty.at("joins").as_array().empty());
  EXPECT_TRUE(empty.at("leaves").as_array().empty());
}

TEST(protocol, EncodeStatus) {
  const auto online = parse_object(encode_status("ann", {true, 1795899510302, 1795899510302}));
  EXPECT_EQ(str(online, "op"), "status");
  EXPECT_EQ(str(online, "user"), "ann");
  EXPECT_TRUE(online.at("online").as_bool());
  EXPECT_EQ(u64(online, "ts"), 1795899510302u);
  EXPECT_FALSE(online.contains("last_seen"));
  const auto never = parse_object(encode_status("bob", {}));
  EXPECT_FALSE(never.at("online").as_bool());
  EXPECT_TRUE(never.at("ts").is_null());
}

TEST(protocol, EncodeTyping) {
  const auto frame = parse_object(encode_typing("chat", "ann"));
  EXPECT_EQ(frame.size(), 3u);
  EXPECT_EQ(str(frame, "op"), "typing");
  EXPECT_EQ(str(frame, "room"), "chat");
  EXPECT_EQ(str(frame, "user"), "ann");
}

TEST(protocol, EphemeralEnvelopesHaveNoSeq) {
  const auto envelope = make_ephemeral("chat", encode_typing("chat", "ann"), "session-1");
  EXPECT_TRUE(envelope->ephemeral());
  EXPECT_EQ(envelope->msg.seq, 0u);
  EXPECT_EQ(envelope->msg.room, "chat");
  EXPECT_EQ(envelope->origin, "session-1");
  EXPECT_FALSE(make_envelope(message(1))->ephemeral());
}

}  // namespace
}  // namespace herald
