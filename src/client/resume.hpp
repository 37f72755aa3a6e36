#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.hpp"

namespace herald::client {

// Where the client stands in each room it wants, so that across reconnects and gaps every
// (room, seq) reaches the application once and in order. No I/O: the Client feeds it what the
// server says and asks it what to send.
//
// A room is either joined (a `joined` arrived on the current connection) or awaiting one (just
// wanted, disconnected, or re-joining after a gap). While it awaits, every `msg` for it is dropped:
// the join in flight asks for everything after the position, so the server sends them again.
// While a `leave` is in flight (until its `left`), the room's `joined` and `msg` frames belong to
// the subscription being left, and are ignored too.
class RoomPositions {
 public:
  enum class Verdict {
    deliver,    // the next seq: hand it to the application (the position advanced)
    duplicate,  // drop it: already delivered, not a wanted room, or a join in flight resends it
    gap,        // seqs are missing: drop it and re-join from since_for(room); the room now awaits
  };

  // Starts tracking `room` (or restarts it), awaiting its `joined`. `since` absent = live only.
  void want(std::string_view room, std::optional<Seq> since);
  // The server's `joined`: delivery continues at `from` (which already accounts for
  // `recovered`: after recovered:false it is past the messages that are gone). False when it
  // is not for a wanted room or answers a join older than a leave in flight: ignore it.
  bool on_joined(std::string_view room, Seq head, bool recovered, Seq from);
  Verdict on_msg(std::string_view room, Seq seq);
  // The connection is gone: every room awaits a new `joined`, no leave is in flight.
  void on_disconnected();
  // Stops wanting `room`.
  void leave(std::string_view room);
  // A `leave` frame went out (an application leave, or the first half of a re-join)...
  void on_leave_sent(std::string_view room);
  // ...and was answered (`left`, or a not_joined error).
  void on_left(std::string_view room);

  // What to send as `since` on the next join: the last delivered seq, else the position the
  // last `joined` started from (so nothing published while disconnected is missed), else the
  // `since` the application asked for. Absent = live only (or not a wanted room).
  std::optional<Seq> since_for(std::string_view room) const;
  bool contains(std::string_view room) const { return rooms_.contains(room); }
  bool joined(std::string_view room) const;
  std::vector<std::string> rooms() const;  // sorted

 private:
  struct Room {
    std::optional<Seq> position;  // the last seq delivered, or the one before `from`
    bool joined = false;
  };
  bool leaving(std::string_view room) const { return leaves_in_flight_.contains(room); }

  std::map<std::string, Room, std::less<>> rooms_;
  std::map<std::string, unsigned, std::less<>> leaves_in_flight_;
};

}  // namespace herald::client
