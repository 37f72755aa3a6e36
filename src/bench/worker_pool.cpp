#include "bench/worker_pool.hpp"

#include <poll.h>
#include <unistd.h>

#include <array>
#include <boost/json.hpp>
#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace herald::bench {

WorkerPool::WorkerPool(const std::vector<std::vector<std::string>>& arguments) {
  const std::string executable = own_executable().string();
  workers_.reserve(arguments.size());
  for (const std::vector<std::string>& args : arguments) {
    std::vector<std::string> argv{executable};
    argv.insert(argv.end(), args.begin(), args.end());
    workers_.push_back({ChildProcess(argv, {.pipe_input = true, .pipe_output = true})});
  }
}

std::vector<WorkerMessage> WorkerPool::poll(std::chrono::milliseconds timeout) {
  std::vector<pollfd> fds;
  std::vector<std::size_t> owners;
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    if (workers_[i].done) continue;
    fds.push_back({.fd = workers_[i].process.output(), .events = POLLIN, .revents = 0});
    owners.push_back(i);
  }
  std::vector<WorkerMessage> out;
  if (fds.empty()) return out;
  const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
  if (ready < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].revents != 0) read_from(owners[i], out);
  }
  return out;
}

void WorkerPool::read_from(std::size_t index, std::vector<WorkerMessage>& out) {
  Worker& worker = workers_[index];
  std::array<char, 65536> buffer{};
  const ssize_t got = ::read(worker.process.output(), buffer.data(), buffer.size());
  if (got < 0 && errno == EINTR) return;
  if (got <= 0) {
    worker.done = true;
    return;
  }
  worker.pending.append(buffer.data(), static_cast<std::size_t>(got));
  std::size_t start = 0;
  for (std::size_t end; (end = worker.pending.find('\n', start)) != std::string::npos;
       start = end + 1) {
    const std::string_view line(worker.pending.data() + start, end - start);
    boost::json::error_code ec;
    boost::json::value value = boost::json::parse(line, ec);
    if (ec || !value.is_object()) {
      throw std::runtime_error("worker " + std::to_string(index) +
                               " wrote a line that is not a JSON object: " + std::string(line));
    }
    out.push_back({index, std::move(value.get_object())});
  }
  worker.pending.erase(0, start);
}

bool WorkerPool::all_done() const {
  for (const Worker& worker : workers_) {
    if (!worker.done) return false;
  }
  return true;
}

void WorkerPool::finish() {
  for (Worker& worker : workers_)
    worker.process.close_input();
}

std::size_t WorkerPool::reap(std::chrono::milliseconds grace) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  std::size_t killed = 0;
  for (Worker& worker : workers_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (worker.process.wait_for(std::max(left, std::chrono::milliseconds(0)))) continue;
    worker.process.kill();
    ++killed;
  }
  return killed;
}

std::vector<std::size_t> share(std::size_t total, std::size_t parts) {
  if (parts == 0) return {};
  std::vector<std::size_t> out(parts, total / parts);
  for (std::size_t i = 0; i < parts && i < total % parts; ++i)
    ++out[i];
  return out;
}

}  // namespace herald::bench
