#include "transport/ws_frame_reader.hpp"

#include <algorithm>

namespace herald {
namespace {

// Two bytes, a 64-bit length and the mask.
constexpr std::size_t kMaxHeader = 2 + 8 + kWsMaskSize;

constexpr WsViolation kUnmasked{CloseCode::protocol_error, "client frames must be masked"};
constexpr WsViolation kReservedBits{CloseCode::protocol_error, "no extension was negotiated"};
constexpr WsViolation kUnknownOpcode{CloseCode::protocol_error, "unknown opcode"};
constexpr WsViolation kBadControl{CloseCode::protocol_error, "bad control frame"};
constexpr WsViolation kBadLength{CloseCode::protocol_error, "length not in its shortest form"};
constexpr WsViolation kNoMessage{CloseCode::protocol_error, "continuation of no message"};
constexpr WsViolation kUnfinished{CloseCode::protocol_error, "a message is still unfinished"};
constexpr WsViolation kBadClose{CloseCode::protocol_error, "bad close frame"};
constexpr WsViolation kBinary{CloseCode::unsupported_data, "frames are JSON text"};
constexpr WsViolation kInvalidUtf8{CloseCode::invalid_payload, "text is not valid UTF-8"};
constexpr WsViolation kTooBig{CloseCode::too_big, "message too big"};

struct Header {
  bool fin = false;
  std::uint8_t reserved = 0;
  std::uint8_t opcode = 0;
  bool masked = false;
  bool minimal = true;   // the length took as few bytes as it could
  std::size_t size = 0;  // with the mask
  std::uint64_t payload = 0;

  std::uint64_t frame_size() const { return size + payload; }
};

std::uint64_t big_endian(std::span<const char> bytes) {
  std::uint64_t value = 0;
  for (const char byte : bytes)
    value = (value << 8) | static_cast<std::uint8_t>(byte);
  return value;
}

// Absent until the whole header has arrived.
std::optional<Header> parse_header(std::span<const char> bytes) {
  if (bytes.size() < 2) return std::nullopt;
  const auto first = static_cast<std::uint8_t>(bytes[0]);
  const auto second = static_cast<std::uint8_t>(bytes[1]);
  Header header{.fin = (first & kWsFin) != 0,
                .reserved = static_cast<std::uint8_t>(first & kWsReserved),
                .opcode = static_cast<std::uint8_t>(first & kWsOpcode),
                .masked = (second & kWsMasked) != 0};
  const std::uint8_t length = second & kWsLength;
  std::size_t extended = 0;
  if (length == kWsLength16) extended = 2;
  if (length == kWsLength64) extended = 8;
  header.size = 2 + extended + (header.masked ? kWsMaskSize : 0);
  if (bytes.size() < header.size) return std::nullopt;
  header.payload = extended == 0 ? length : big_endian(bytes.subspan(2, extended));
  header.minimal = extended == 0 || (extended == 2 && header.payload >= kWsLength16) ||
                   (extended == 8 && header.payload > 0xFFFF);
  return header;
}

// What RFC 6455 forbids a client's frame header, whatever came before it.
std::optional<WsViolation> check(const Header& header) {
  if (!header.masked) return kUnmasked;
  if (header.reserved != 0) return kReservedBits;
  if (!is_known_opcode(header.opcode)) return kUnknownOpcode;
  if (!header.minimal) return kBadLength;
  if (is_control(static_cast<WsOpcode>(header.opcode)) &&
      (!header.fin || header.payload > kMaxControlPayload)) {
    return kBadControl;
  }
  return std::nullopt;
}

void unmask(std::span<char> payload, std::span<const char> mask) {
  for (std::size_t i = 0; i < payload.size(); ++i)
    payload[i] = static_cast<char>(payload[i] ^ mask[i % kWsMaskSize]);
}

// Close codes a client may send (RFC 6455 section 7.4; 1004–1006 and 1015 never go on the wire).
bool valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

}  // namespace

std::optional<WsViolation> WsFrameReader::read(std::span<char> bytes, WsFrameSink& sink) {
  if (done_) return std::nullopt;
  std::optional<WsViolation> violation;
  bytes = complete_pending(bytes, sink, violation);
  if (!violation && !done_ && !bytes.empty()) {
    const Progress progress = read_frames(bytes, sink);
    violation = progress.violation;
    const std::span<char> rest = bytes.subspan(progress.consumed);
    if (!violation && !done_) pending_.assign(rest.data(), rest.size());
  }
  if (violation || done_) stop();
  return violation;
}

std::span<char> WsFrameReader::complete_pending(std::span<char> bytes, WsFrameSink& sink,
                                                std::optional<WsViolation>& violation) {
  while (!pending_.empty() && !bytes.empty() && !done_) {
    // Only what the kept frame still lacks is copied: the rest is read in place.
    const auto header = parse_header(pending_);
    const std::uint64_t wanted =
        header ? header->frame_size() - pending_.size() : kMaxHeader - pending_.size();
    const std::size_t take = std::min<std::uint64_t>(wanted, bytes.size());
    pending_.append(bytes.data(), take);
    bytes = bytes.subspan(take);
    const Progress progress = read_frames(pending_, sink);
    if (progress.violation) {
      violation = progress.violation;
      return {};
    }
    pending_.erase(0, progress.consumed);
  }
  if (pending_.empty()) std::string().swap(pending_);
  return bytes;
}

WsFrameReader::Progress WsFrameReader::read_frames(std::span<char> bytes, WsFrameSink& sink) {
  Progress progress;
  while (!done_) {
    const std::span<char> rest = bytes.subspan(progress.consumed);
    const auto header = parse_header(rest);
    if (!header) break;
    if (auto violation = check(*header)) return {progress.consumed, violation};
    // Refused before its payload arrives, so an oversize message is never held.
    if (!is_control(static_cast<WsOpcode>(header->opcode)) &&
        header->payload > max_message_ - message_.size()) {
      return {progress.consumed, kTooBig};
    }
    if (rest.size() < header->frame_size()) break;
    const std::span<char> payload = rest.subspan(header->size, header->payload);
    unmask(payload, rest.subspan(header->size - kWsMaskSize, kWsMaskSize));
    progress.consumed += header->frame_size();
    if (auto violation = on_frame(static_cast<WsOpcode>(header->opcode), header->fin,
                                  {payload.data(), payload.size()}, sink)) {
      return {progress.consumed, violation};
    }
  }
  return progress;
}

std::optional<WsViolation> WsFrameReader::on_frame(WsOpcode opcode, bool fin,
                                                   std::string_view payload, WsFrameSink& sink) {
  switch (opcode) {
    case WsOpcode::text:
      return on_text(fin, payload, sink);
    case WsOpcode::continuation:
      return on_continuation(fin, payload, sink);
    case WsOpcode::binary:
      return fragmented_ ? kUnfinished : kBinary;
    case WsOpcode::close:
      return on_close(payload, sink);
    case WsOpcode::ping:
      sink.on_ping(payload);
      return std::nullopt;
    case WsOpcode::pong:
      sink.on_pong();
      return std::nullopt;
  }
  return kUnknownOpcode;
}

std::optional<WsViolation> WsFrameReader::on_text(bool fin, std::string_view payload,
                                                  WsFrameSink& sink) {
  if (fragmented_) return kUnfinished;
  if (fin) {
    // The common case: a whole message in one frame, handed over where it was read.
    if (!valid_utf8(payload)) return kInvalidUtf8;
    sink.on_text(payload);
    return std::nullopt;
  }
  fragmented_ = true;
  return on_continuation(false, payload, sink);
}

std::optional<WsViolation> WsFrameReader::on_continuation(bool fin, std::string_view payload,
                                                          WsFrameSink& sink) {
  if (!fragmented_) return kNoMessage;
  // Checked fragment by fragment, so bad text is refused before the message ends.
  if (!utf8_.feed(payload)) return kInvalidUtf8;
  message_.append(payload);
  if (!fin) return std::nullopt;
  if (!utf8_.complete()) return kInvalidUtf8;
  sink.on_text(message_);
  std::string().swap(message_);
  utf8_.reset();
  fragmented_ = false;
  return std::nullopt;
}

std::optional<WsViolation> WsFrameReader::on_close(std::string_view payload, WsFrameSink& sink) {
  if (payload.size() == 1) return kBadClose;
  std::optional<std::uint16_t> code;
  std::string_view reason;
  if (payload.size() >= 2) {
    code = static_cast<std::uint16_t>(big_endian(std::span(payload.data(), 2)));
    reason = payload.substr(2);
    if (!valid_close_code(*code)) return kBadClose;
    if (!valid_utf8(reason)) return kInvalidUtf8;
  }
  done_ = true;
  sink.on_close(code, reason);
  return std::nullopt;
}

void WsFrameReader::stop() {
  done_ = true;
  std::string().swap(pending_);
  std::string().swap(message_);
}

}  // namespace herald
