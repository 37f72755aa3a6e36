#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace herald::bench {

// What the fan-out publisher puts in every message, so each subscriber can tell, without any
// state shared with the publisher, which message of its room it got and how long it took:
// "hb:SEQ:SENT_US:" and padding. SEQ counts the room's messages from 1; SENT_US is when the
// publish left, in microseconds on CLOCK_MONOTONIC (the same clock in every process).
struct Stamp {
  std::uint64_t seq = 0;
  std::int64_t sent_us = 0;
};

// The stamp padded with 'x' to `size` bytes (longer when the stamp itself is).
std::string stamp_text(const Stamp& stamp, std::size_t size);

// The first stamp in `text` (a whole msg frame, or the bare body Nchan delivers); nothing when
// there is none or it is malformed.
std::optional<Stamp> find_stamp(std::string_view text);

// Now, in the stamp's clock.
std::int64_t monotonic_us();

}  // namespace herald::bench
