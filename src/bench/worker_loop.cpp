#include "bench/worker_loop.hpp"

namespace herald::bench {

constexpr std::chrono::milliseconds kProgressEvery{250};

WorkerLoop::WorkerLoop(boost::asio::io_context& io, std::chrono::milliseconds deadline)
    : io_(io), channel_(io), progress_timer_(io), deadline_(io) {
  deadline_.expires_after(deadline);
}

void WorkerLoop::run(Report progress, Report result) {
  start(std::move(progress), std::move(result));
  io_.run();
}

void WorkerLoop::start(Report progress, Report result) {
  progress_ = std::move(progress);
  result_ = std::move(result);
  channel_.on_finish([this] { finish(); });
  deadline_.async_wait([this](boost::system::error_code ec) {
    if (!ec) finish();
  });
  report_progress();
}

void WorkerLoop::finish() {
  if (finished_) return;
  finished_ = true;
  boost::json::object message = result_();
  message["type"] = "result";
  WorkerChannel::send(message);
  io_.stop();
}

void WorkerLoop::report_progress() {
  boost::json::object message = progress_();
  message["type"] = "progress";
  WorkerChannel::send(message);
  progress_timer_.expires_after(kProgressEvery);
  progress_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) report_progress();
  });
}

}  // namespace herald::bench
