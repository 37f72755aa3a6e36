#include "transport/outbound_queue.hpp"

#include <boost/asio/post.hpp>

namespace herald {
namespace {

// After a burst, bookkeeping above this many frames is given back rather than kept for an idle
// client.
constexpr std::size_t kKeptCapacity = 64;

std::size_t size_of(const std::string& head, const Frame& frame) {
  return head.size() + frame->size();
}

}  // namespace

void OutboundQueue::push(Frame frame, std::string head) {
  bytes_ += size_of(head, frame);
  queue_.push_back({std::move(head), std::move(frame)});
}

void OutboundQueue::drop_queued() {
  for (const Entry& entry : queue_)
    bytes_ -= size_of(entry.head, entry.frame);
  queue_.clear();
}

const std::vector<boost::asio::const_buffer>& OutboundQueue::start_write(std::string_view between,
                                                                         std::string_view after) {
  in_flight_.swap(queue_);
  buffers_.clear();
  first_unwritten_ = 0;
  for (const Entry& entry : in_flight_) {
    if (!buffers_.empty() && !between.empty())
      buffers_.emplace_back(between.data(), between.size());
    if (!entry.head.empty()) buffers_.emplace_back(entry.head.data(), entry.head.size());
    buffers_.emplace_back(entry.frame->data(), entry.frame->size());
    if (!after.empty()) buffers_.emplace_back(after.data(), after.size());
  }
  return buffers_;
}

std::span<const boost::asio::const_buffer> OutboundQueue::unwritten() const {
  return std::span(buffers_).subspan(first_unwritten_);
}

bool OutboundQueue::written(std::size_t bytes) {
  while (first_unwritten_ < buffers_.size() && buffers_[first_unwritten_].size() <= bytes) {
    bytes -= buffers_[first_unwritten_].size();
    ++first_unwritten_;
  }
  if (bytes > 0) buffers_[first_unwritten_] += bytes;  // cut inside this buffer
  return first_unwritten_ == buffers_.size();
}

void OutboundQueue::when_flushed(std::function<void()> next,
                                 const boost::asio::any_io_executor& executor) {
  if (!writing() && empty()) {
    boost::asio::post(executor, std::move(next));
    return;
  }
  on_flushed_.push_back(std::move(next));
}

bool OutboundQueue::flushed(const boost::asio::any_io_executor& executor) {
  if (!empty()) return false;
  for (auto& next : std::exchange(on_flushed_, {}))
    boost::asio::post(executor, std::move(next));
  return true;
}

void OutboundQueue::finish_write() {
  for (const Entry& entry : in_flight_)
    bytes_ -= size_of(entry.head, entry.frame);
  in_flight_.clear();
  if (in_flight_.capacity() > kKeptCapacity) {
    std::vector<Entry>().swap(in_flight_);
    std::vector<boost::asio::const_buffer>().swap(buffers_);
  }
}

}  // namespace herald
