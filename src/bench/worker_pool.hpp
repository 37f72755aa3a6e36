#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "bench/child_process.hpp"

namespace herald::bench {

// One line a worker wrote: a JSON object.
struct WorkerMessage {
  std::size_t worker = 0;
  boost::json::object body;
};

// Worker processes: copies of this executable, each started with its own arguments (a hidden
// subcommand). A load bigger than one process may hold — the open-file limit is per process —
// or than one core drives is split over them. A worker reports on stdout, one JSON object a
// line; its stdin staying open means "go on", so closing it asks the worker to finish, and a
// worker whose bench died notices the same way.
class WorkerPool {
 public:
  // Starts one worker per entry: the arguments after the executable's path.
  explicit WorkerPool(const std::vector<std::vector<std::string>>& arguments);

  std::size_t size() const { return workers_.size(); }
  pid_t pid(std::size_t index) const { return workers_.at(index).process.pid(); }
  // Waits up to `timeout` for output and returns the lines completed meanwhile. Throws
  // std::runtime_error for a line that is not a JSON object.
  std::vector<WorkerMessage> poll(std::chrono::milliseconds timeout);
  // True when every worker has closed its stdout (it exited, or is about to).
  bool all_done() const;
  // Asks every worker to finish (closes their stdin).
  void finish();
  // Waits up to `grace` for every worker to exit, then kills the rest. Returns how many were
  // killed.
  std::size_t reap(std::chrono::milliseconds grace);

 private:
  struct Worker {
    ChildProcess process;
    std::string pending;  // the start of a line not complete yet
    bool done = false;    // stdout reached its end
  };
  void read_from(std::size_t index, std::vector<WorkerMessage>& out);

  std::vector<Worker> workers_;
};

// `total` split into `parts` shares that differ by at most one.
std::vector<std::size_t> share(std::size_t total, std::size_t parts);

}  // namespace herald::bench
