#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "core/history.hpp"
#include "core/hub.hpp"

namespace herald {

class Session;

// One room of one session, and the ordering guarantee for it: the client gets every seq after
// its starting point exactly once, in order. Joining subscribes first and buffers live
// envelopes, replays history, then drains the buffer skipping what was replayed. A gap in the
// live stream is filled from history the same way.
class Subscription final : public HubMember, public std::enable_shared_from_this<Subscription> {
 public:
  Subscription(Session& session, std::string room) : session_(session), room_(std::move(room)) {}

  void start(std::optional<Seq> since);
  void deliver(const EnvelopePtr& envelope) override;

  const std::string& room() const { return room_; }
  // Whether a typing notice of this session may go to the room now (and if so, counts it).
  bool take_typing_turn(std::chrono::steady_clock::time_point now);
  // The last seq handed to the client; before `joined`, the `since` the join asked for (absent
  // for a live-only join).
  std::optional<Seq> position() const {
    return state_ == State::joining ? since_ : std::optional(delivered_);
  }

 private:
  enum class State { joining, catching_up, live };

  void follow_status();
  void read_history(std::optional<Seq> after);
  void on_history(std::error_code ec, const HistoryRange& range);
  void send_joined(const HistoryRange& range);
  // Sends the page; false when it stopped early because the outbound queue is half full.
  bool replay(const HistoryRange& range);
  // `head`: the newest seq the history read that just completed knew of.
  void drain_buffer(Seq head);
  void buffer(const EnvelopePtr& envelope);
  void send(const EnvelopePtr& envelope);

  Session& session_;
  std::string room_;
  std::optional<Seq> since_;
  Seq delivered_ = 0;    // newest seq handed to the client
  Seq read_needed_ = 0;  // the seq the latest history read was known to have to reach
  State state_ = State::joining;
  std::vector<EnvelopePtr> buffer_;  // live envelopes held while catching up
  std::size_t buffered_bytes_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_typing_;
};

}  // namespace herald
