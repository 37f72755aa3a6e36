#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace herald::client {

// One dispatched Server-Sent Event. `id` is the last `id:` seen so far (the stream's
// Last-Event-ID), as the HTML standard defines it.
struct SseEvent {
  std::string_view type;  // "" for unnamed events (which EventSource calls "message")
  std::string_view data;  // the data lines joined by '\n'
  std::string_view id;
};

// Turns the bytes of a text/event-stream into events, whatever the chunk boundaries: lines end
// in CRLF, LF or CR (a CR at the end of one chunk and an LF at the start of the next are one
// line end), comments and unknown fields are skipped, and an event is dispatched at the blank
// line that ends it only if it carried data. No I/O.
class SseParser {
 public:
  using EventHandler = std::function<void(const SseEvent& event)>;

  // A line longer than `max_line` bytes makes feed() fail: a stream that never ends its lines
  // must not take the client's memory.
  explicit SseParser(std::size_t max_line = std::size_t{1} << 20) : max_line_(max_line) {}

  // Parses the next bytes, calling `on_event` for every event they complete. False once a line
  // was over the limit (the parser then stays failed).
  bool feed(std::string_view bytes, const EventHandler& on_event);

 private:
  void end_line(const EventHandler& on_event);
  void field(std::string_view name, std::string_view value);
  void dispatch(const EventHandler& on_event);

  std::size_t max_line_;
  std::string line_;       // the line read so far
  bool after_cr_ = false;  // the last byte was a CR: an LF right after it ends nothing
  bool started_ = false;   // past the optional byte order mark
  bool failed_ = false;
  std::string type_;  // of the event being read
  std::string data_;  // ditto, each data line followed by '\n'
  bool has_data_ = false;
  std::string last_event_id_;  // kept across events
};

}  // namespace herald::client
