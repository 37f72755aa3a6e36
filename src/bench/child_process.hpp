#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace herald::bench {

struct SpawnOptions {
  bool pipe_input = false;   // the parent writes to input(); closing it is an end-of-file
  bool pipe_output = false;  // the parent reads the child's stdout from output()
  // Where stdout (unless piped) and stderr go; empty: the bench's own.
  std::filesystem::path log;
};

// A process the bench started (a `herald serve` or a worker). Whatever happens to the bench,
// the child does not outlive this object: the destructor kills and reaps what still runs.
class ChildProcess {
 public:
  // argv[0] is the executable's path. HERALD_* variables are not passed on: they would silently
  // change the configuration of a server under test. Throws std::system_error.
  ChildProcess(const std::vector<std::string>& argv, const SpawnOptions& options);
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  int input() const { return input_; }    // -1 unless piped
  int output() const { return output_; }  // -1 unless piped
  void close_input();

  void signal(int number) const;
  // True once the process has exited (it is then reaped and running() is false).
  bool wait_for(std::chrono::milliseconds limit);
  // SIGKILL, and reaped.
  void kill();

 private:
  pid_t pid_ = -1;
  int input_ = -1;
  int output_ = -1;
};

// The path of the running executable, so the bench can start more of itself.
std::filesystem::path own_executable();

}  // namespace herald::bench
