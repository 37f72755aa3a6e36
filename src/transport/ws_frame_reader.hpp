#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/outlet.hpp"
#include "transport/utf8_validator.hpp"
#include "transport/ws_wire.hpp"

namespace herald {

// Where a WsFrameReader delivers what a client sent. The views are valid during the call only.
class WsFrameSink {
 public:
  virtual void on_text(std::string_view message) = 0;
  virtual void on_ping(std::string_view payload) = 0;
  virtual void on_pong() = 0;
  // `code` is absent when the close frame carried none.
  virtual void on_close(std::optional<std::uint16_t> code, std::string_view reason) = 0;

 protected:
  ~WsFrameSink() = default;
};

// A client broke the protocol: the connection closes with this code.
struct WsViolation {
  CloseCode code;
  std::string_view reason;
};

// Parses the frames of one client (RFC 6455, server side, no extensions) from bytes read into a
// buffer the reader does not own. Complete frames are unmasked and handed over in place; only an
// incomplete frame's bytes and a fragmented message's text are kept, and only until they are
// used. After a close frame or a violation it reads nothing more.
class WsFrameReader {
 public:
  // `max_message`: the largest text message, summed over its fragments.
  explicit WsFrameReader(std::size_t max_message) : max_message_(max_message) {}

  // `bytes` is unmasked in place.
  std::optional<WsViolation> read(std::span<char> bytes, WsFrameSink& sink);
  bool done() const { return done_; }
  // Bytes held between reads: an incomplete frame and a message's earlier fragments.
  std::size_t held_bytes() const { return pending_.size() + message_.size(); }

 private:
  struct Progress {
    std::size_t consumed = 0;
    std::optional<WsViolation> violation;
  };

  // Reads whole frames from the front of `bytes`, up to the first incomplete one.
  Progress read_frames(std::span<char> bytes, WsFrameSink& sink);
  // Feeds the incomplete frame kept from earlier reads from the front of `bytes` until it is
  // whole; returns what is left of `bytes`.
  std::span<char> complete_pending(std::span<char> bytes, WsFrameSink& sink,
                                   std::optional<WsViolation>& violation);
  std::optional<WsViolation> on_frame(WsOpcode opcode, bool fin, std::string_view payload,
                                      WsFrameSink& sink);
  std::optional<WsViolation> on_text(bool fin, std::string_view payload, WsFrameSink& sink);
  std::optional<WsViolation> on_continuation(bool fin, std::string_view payload, WsFrameSink& sink);
  std::optional<WsViolation> on_close(std::string_view payload, WsFrameSink& sink);
  // Ends reading; gives back what was held.
  void stop();

  std::size_t max_message_;
  std::string pending_;      // the start of a frame cut by the end of a read
  std::string message_;      // the fragments of a text message so far
  Utf8Validator utf8_;       // of message_
  bool fragmented_ = false;  // a text message awaits its continuation frames
  bool done_ = false;
};

}  // namespace herald
