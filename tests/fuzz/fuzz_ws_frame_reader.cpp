// Feeds arbitrary bytes, as a client might send them, to the server's WebSocket frame reader:
// once whole and once cut into reads of a size the input picks. Whatever the input, the reader
// must not crash, must hand over only valid UTF-8 text within the limit and control payloads
// within 125 bytes, must hold no more than one frame between reads, and must see the same
// frames and the same violation however the bytes were cut.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "transport/utf8_validator.hpp"
#include "transport/ws_frame_reader.hpp"

namespace {

constexpr std::size_t kLimit = 512;
// A frame header at its longest: two bytes, a 64-bit length and the mask.
constexpr std::size_t kMaxHeader = 14;

void require(bool condition) {
  if (!condition) std::abort();
}

struct Log : herald::WsFrameSink {
  std::vector<std::string> events;

  void on_text(std::string_view message) override {
    require(message.size() <= kLimit && herald::valid_utf8(message));
    events.push_back("t" + std::string(message));
  }
  void on_ping(std::string_view payload) override {
    require(payload.size() <= herald::kMaxControlPayload);
    events.push_back("p" + std::string(payload));
  }
  void on_pong() override { events.emplace_back("o"); }
  void on_close(std::optional<std::uint16_t> code, std::string_view reason) override {
    require(herald::valid_utf8(reason));
    events.push_back("c" + std::to_string(code.value_or(0)) + std::string(reason));
  }
};

struct Outcome {
  std::vector<std::string> events;
  std::optional<herald::CloseCode> violation;
};

Outcome read(std::string_view bytes, std::size_t chunk) {
  herald::WsFrameReader reader(kLimit);
  Outcome outcome;
  Log log;
  for (std::size_t at = 0; at < bytes.size() && !outcome.violation; at += chunk) {
    std::string piece(bytes.substr(at, chunk));
    if (const auto violation = reader.read(piece, log)) outcome.violation = violation->code;
    require(reader.held_bytes() <= 2 * kLimit + kMaxHeader);
  }
  outcome.events = std::move(log.events);
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 32;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Outcome whole = read(bytes, bytes.size() + 1);
  const Outcome cut = read(bytes, chunk);
  require(whole.events == cut.events);
  require(whole.violation == cut.violation);
  return 0;
}
