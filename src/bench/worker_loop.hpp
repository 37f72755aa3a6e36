#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>

#include "bench/worker_channel.hpp"

namespace herald::bench {

// The frame of every worker process: progress to the bench four times a second, and one result
// at the end, which comes when the scenario says, when the bench asks (closes stdin), or at the
// deadline, whatever happens first.
class WorkerLoop {
 public:
  using Report = std::function<boost::json::object()>;

  WorkerLoop(boost::asio::io_context& io, std::chrono::milliseconds deadline);

  // Runs the io_context until finish(), sending progress() as {"type":"progress",…}.
  void run(Report progress, Report result);
  // The same, for a worker that runs the io_context itself (see EpollLoop).
  void start(Report progress, Report result);
  // Sends result() as {"type":"result",…}, once, and stops the io_context.
  void finish();

 private:
  void report_progress();

  boost::asio::io_context& io_;
  WorkerChannel channel_;
  boost::asio::steady_timer progress_timer_;
  boost::asio::steady_timer deadline_;
  Report progress_;
  Report result_;
  bool finished_ = false;
};

}  // namespace herald::bench
