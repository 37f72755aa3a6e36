#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "core/message.hpp"

namespace herald {

// The answers to frames a client sent beside its stream (POST /send): each publish's ack or
// error, each refused frame's error. Whatever still owes an answer holds a reference; when the
// last one lets go, `done` gets every answer, in the order they came.
class Replies {
 public:
  using Done = std::function<void(std::vector<Frame>)>;

  explicit Replies(Done done) : done_(std::move(done)) {}
  ~Replies() { done_(std::move(frames_)); }
  Replies(const Replies&) = delete;
  Replies& operator=(const Replies&) = delete;

  void add(Frame frame) { frames_.push_back(std::move(frame)); }

 private:
  Done done_;
  std::vector<Frame> frames_;
};

}  // namespace herald
