#include "core/subscription.hpp"

#include <boost/asio/post.hpp>

#include "core/frames.hpp"
#include "core/post_answer.hpp"
#include "core/session.hpp"

namespace herald {

void Subscription::start(std::optional<Seq> since) {
  since_ = since;
  const bool status = is_status_room(room_);
  session_.services().hub.join(room_, this, [weak = weak_from_this(), since, status] {
    auto self = weak.lock();
    if (!self) return;
    if (status) {
      self->follow_status();
    } else {
      self->read_history(since);
    }
  });
}

bool Subscription::take_typing_turn(std::chrono::steady_clock::time_point now) {
  if (last_typing_ && now - *last_typing_ < session_.services().limits.typing_interval) {
    return false;
  }
  last_typing_ = now;
  return true;
}

void Subscription::follow_status() {
  // A status room has no messages, so there is no history to read and nothing to order: the
  // client is told the current status, then every change.
  if (!session_.open()) return;
  session_.send(encode_joined({room_, 0, true, 1}));
  state_ = State::live;
  std::string user = room_.substr(kStatusRoomPrefix.size());
  session_.services().presence.status(
      user, post_answer<UserStatus>(session_.services().executor, weak_from_this(),
                                    [user](Subscription& self, const UserStatus& status) {
                                      self.session_.send(encode_status(user, status));
                                    }));
}

void Subscription::read_history(std::optional<Seq> after) {
  auto executor = session_.services().executor;
  // Buffered envelopes prove that every seq before the first of them exists.
  const Seq needed = buffer_.empty() ? 0 : buffer_.front()->msg.seq - 1;
  read_needed_ = needed;
  session_.services().history.read(
      room_, after,
      [weak = weak_from_this(), executor](std::error_code ec, HistoryRange range) {
        boost::asio::post(executor, [weak, ec, range = std::move(range)] {
          if (auto self = weak.lock()) self->on_history(ec, range);
        });
      },
      needed);
}

void Subscription::on_history(std::error_code ec, const HistoryRange& range) {
  if (!session_.open()) return;
  if (ec) {
    // Without history the promise of no gap cannot be kept; the client resumes elsewhere.
    session_.close(CloseCode::internal_error, "history unavailable");
    return;
  }
  if (state_ == State::joining) {
    state_ = State::catching_up;  // first: the `joined` frame's cursor counts this room in
    send_joined(range);
  }
  const bool page_sent = replay(range);
  const bool more =
      !page_sent ||
      (range.messages.size() >= session_.services().history.page_size() && delivered_ < range.head);
  if (more) {
    // Page by page, each once the queue is written out: a long replay never floods the queue.
    session_.outlet().when_flushed([weak = weak_from_this()] {
      if (auto self = weak.lock()) self->read_history(self->delivered_);
    });
    return;
  }
  drain_buffer(range.head);
}

void Subscription::send_joined(const HistoryRange& range) {
  bool recovered = true;
  if (!since_) {
    delivered_ = range.head;
  } else if (*since_ > range.head) {
    delivered_ = range.head;  // the client is ahead of this room: its messages are not ours
    recovered = false;
  } else if (*since_ + 1 < range.first_retained) {
    delivered_ = range.first_retained - 1;  // retention removed what it missed
    recovered = false;
  } else {
    delivered_ = *since_;
  }
  session_.send(encode_joined({room_, range.head, recovered, delivered_ + 1}));
}

bool Subscription::replay(const HistoryRange& range) {
  const std::size_t pause_at = session_.services().limits.outbound_queue_bytes / 2;
  for (const auto& envelope : range.messages) {
    const Seq seq = envelope->msg.seq;
    if (seq <= delivered_) continue;
    if (session_.outlet().queued_bytes() >= pause_at) return false;
    if (seq != delivered_ + 1) {
      // Retention removed messages between two pages: say so rather than skip silently.
      session_.send(encode_joined({room_, range.head, false, seq}));
      delivered_ = seq - 1;
    }
    send(envelope);
  }
  return true;
}

void Subscription::drain_buffer(Seq head) {
  std::size_t i = 0;
  for (; i < buffer_.size(); ++i) {
    const Seq seq = buffer_[i]->msg.seq;
    if (seq <= delivered_) continue;
    if (seq != delivered_ + 1) {
      // Fetch the missing ones first, unless history was asked for them and has none.
      if (read_needed_ + 1 < seq || head + 1 >= seq) break;
      // History ends before this envelope, so what lies between is gone: say so.
      session_.send(encode_joined({room_, seq, false, seq}));
      delivered_ = seq - 1;
    }
    send(buffer_[i]);
  }
  if (i < buffer_.size()) {
    // A gap inside the buffer: fill it from history, keeping what follows it.
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(i));
    buffered_bytes_ = 0;
    for (const auto& envelope : buffer_)
      buffered_bytes_ += envelope->frame->size();
    read_history(delivered_);
    return;
  }
  std::vector<EnvelopePtr>().swap(buffer_);  // an idle subscription keeps no buffer
  buffered_bytes_ = 0;
  state_ = State::live;
}

void Subscription::deliver(const EnvelopePtr& envelope) {
  if (envelope->ephemeral()) {
    // Only after `joined`, and not back to the session that caused it; never buffered.
    if (state_ != State::joining && envelope->origin != session_.id()) {
      session_.send(envelope->frame);
    }
    return;
  }
  if (state_ != State::live) {
    buffer(envelope);
    return;
  }
  const Seq seq = envelope->msg.seq;
  if (seq <= delivered_) return;
  if (seq == delivered_ + 1) {
    send(envelope);
    return;
  }
  state_ = State::catching_up;
  buffer(envelope);
  read_history(delivered_);
}

void Subscription::buffer(const EnvelopePtr& envelope) {
  buffered_bytes_ += envelope->frame->size();
  if (buffered_bytes_ > session_.services().limits.outbound_queue_bytes) {
    session_.close(CloseCode::slow_consumer, "too far behind");
    return;
  }
  buffer_.push_back(envelope);
}

void Subscription::send(const EnvelopePtr& envelope) {
  delivered_ = envelope->msg.seq;
  session_.services().metrics.messages_out.add();
  session_.send(envelope->frame);
}

}  // namespace herald
