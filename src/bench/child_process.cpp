#include "bench/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

namespace herald::bench {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

std::vector<char*> clean_environment() {
  std::vector<char*> env;
  for (char** entry = environ; *entry; ++entry) {
    if (!std::string_view(*entry).starts_with("HERALD_")) env.push_back(*entry);
  }
  env.push_back(nullptr);
  return env;
}

std::array<int, 2> make_pipe() {
  std::array<int, 2> ends{};
  if (::pipe2(ends.data(), O_CLOEXEC) != 0) throw_errno("pipe");
  return ends;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The descriptors the child gets as stdin, stdout and stderr; -1 keeps the bench's own.
struct ChildFds {
  int in = -1;
  int out = -1;
  int err = -1;
};

// Between fork and exec: async-signal-safe calls only. Every other descriptor is close-on-exec
// or closed here, so the child holds none of the bench's sockets or of its siblings' pipes.
[[noreturn]] void exec_child(const ChildFds& fds, char* const argv[], char* const envp[]) {
  if (fds.in >= 0) ::dup2(fds.in, STDIN_FILENO);
  if (fds.out >= 0) ::dup2(fds.out, STDOUT_FILENO);
  if (fds.err >= 0) ::dup2(fds.err, STDERR_FILENO);
  ::close_range(3, ~0U, 0);
  ::execve(argv[0], argv, envp);
  _exit(127);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& args, const SpawnOptions& options) {
  std::vector<std::string> copy = args;
  std::vector<char*> argv;
  argv.reserve(copy.size() + 1);
  for (std::string& arg : copy)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::vector<char*> envp = clean_environment();

  ChildFds fds;
  std::array<int, 2> in{-1, -1};
  std::array<int, 2> out{-1, -1};
  int log = -1;
  if (options.pipe_input) fds.in = (in = make_pipe())[0];
  if (options.pipe_output) fds.out = (out = make_pipe())[1];
  if (!options.log.empty()) {
    log = ::open(options.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) throw_errno("open " + options.log.string());
    fds.err = log;
    if (fds.out < 0) fds.out = log;
  }
  const pid_t pid = ::fork();
  if (pid == 0) exec_child(fds, argv.data(), envp.data());
  const int fork_errno = errno;
  close_fd(in[0]);
  close_fd(out[1]);
  close_fd(log);
  input_ = in[1];
  output_ = out[0];
  if (pid < 0) {
    close_fd(input_);
    close_fd(output_);
    throw std::system_error(fork_errno, std::generic_category(), "fork");
  }
  pid_ = pid;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      input_(std::exchange(other.input_, -1)),
      output_(std::exchange(other.output_, -1)) {}

ChildProcess::~ChildProcess() {
  kill();
  close_fd(input_);
  close_fd(output_);
}

void ChildProcess::close_input() {
  close_fd(input_);
}

void ChildProcess::signal(int number) const {
  if (running()) ::kill(pid_, number);
}

bool ChildProcess::wait_for(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (running()) {
    const pid_t reaped = ::waitpid(pid_, nullptr, WNOHANG);
    if (reaped == pid_ || (reaped < 0 && errno == ECHILD)) {
      pid_ = -1;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void ChildProcess::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::filesystem::path own_executable() {
  return std::filesystem::read_symlink("/proc/self/exe");
}

}  // namespace herald::bench
