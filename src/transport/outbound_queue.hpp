#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.hpp"

namespace herald {

// The frames waiting for one client's socket, and those being written. Whatever is queued while
// a write is in flight goes out together in the next one, in one gather write.
class OutboundQueue {
 public:
  // `head`: bytes that go right before this frame and no other (an SSE event's fields).
  void push(Frame frame, std::string head = {});
  // Drops what is queued and not yet being written.
  void drop_queued();

  std::size_t bytes() const { return bytes_; }  // queued and in flight
  bool empty() const { return queue_.empty(); }
  bool writing() const { return !in_flight_.empty(); }

  // Puts everything queued in flight and returns it as buffers, with `between` separating
  // frames and `after` following each one. Valid until finish_write().
  const std::vector<boost::asio::const_buffer>& start_write(std::string_view between,
                                                            std::string_view after);
  // For writes that may take only part of the buffers (a non-blocking socket): what is still to
  // go, and the news that `bytes` more of it went; true once all of it has.
  std::span<const boost::asio::const_buffer> unwritten() const;
  bool written(std::size_t bytes);
  void finish_write();

  // `next` runs on `executor` once everything queued by now is written.
  void when_flushed(std::function<void()> next, const boost::asio::any_io_executor& executor);
  // True when nothing is queued: the callbacks waiting for that are posted to `executor`.
  bool flushed(const boost::asio::any_io_executor& executor);

 private:
  struct Entry {
    std::string head;
    Frame frame;
  };

  std::vector<Entry> queue_;
  std::vector<Entry> in_flight_;
  std::vector<boost::asio::const_buffer> buffers_;
  std::size_t first_unwritten_ = 0;  // in buffers_
  std::vector<std::function<void()>> on_flushed_;
  std::size_t bytes_ = 0;
};

}  // namespace herald
