#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/json/object.hpp>
#include <functional>

namespace herald::bench {

// A worker's end of the WorkerPool: reports go to the bench as JSON lines on stdout, and the
// bench closing the worker's stdin (or dying) asks it to finish.
class WorkerChannel {
 public:
  explicit WorkerChannel(boost::asio::io_context& io);

  // One line, flushed at once: the bench shows progress as it arrives.
  static void send(const boost::json::object& message);
  // `handler` runs once, on the io_context, when the bench asks the worker to finish.
  void on_finish(std::function<void()> handler);

 private:
  void read();

  boost::asio::posix::stream_descriptor input_;
  std::function<void()> on_finish_;
  char scratch_[256];
};

}  // namespace herald::bench
