#pragma once
// Shared helpers for the integration tests (header-only: only *_test.cpp files become
// executables). Waiting, metrics, a keep-alive server API client, history, child processes.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "server_process.hpp"

extern char** environ;

namespace herald::test {

namespace json = boost::json;
using namespace std::chrono_literals;
using Millis = std::chrono::milliseconds;

// How long any single condition may take to come true before a test gives up on it.
constexpr Millis kDeadline = 60s;

// Polls `done` every 20 ms until it is true (true) or `timeout` passed (false).
template <typename Pred>
bool eventually(Pred done, Millis timeout = kDeadline) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

// Runs `io` on the calling thread, 20 ms at a time, until `done` is true (true) or `timeout`
// passed (false).
template <typename Pred>
bool run_until(boost::asio::io_context& io, Pred done, Millis timeout = kDeadline) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    io.restart();
    io.run_for(20ms);
  }
  return true;
}

// Like run_until, but gives up only when `progress()` (any count that grows while things move)
// stayed the same for `stall`: for long runs whose total time depends on the machine.
template <typename Pred, typename Progress>
bool run_while_progressing(boost::asio::io_context& io, Pred done, Progress progress,
                           Millis stall = kDeadline) {
  auto last = progress();
  auto last_change = std::chrono::steady_clock::now();
  while (!done()) {
    if (const auto now = progress(); now != last) {
      last = now;
      last_change = std::chrono::steady_clock::now();
    } else if (std::chrono::steady_clock::now() - last_change >= stall) {
      return false;
    }
    io.restart();
    io.run_for(20ms);
  }
  return true;
}

// A suite whose tests share one server, started once with the flags the suite gives in its
// SetUpTestSuite (start_server), and give each test a room of its own (test_room).
class SharedServerSuite : public ::testing::Test {
 protected:
  static void start_server(std::vector<std::string> flags) {
    server_ = new ServerProcess(std::move(flags));
    server_->start();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    ASSERT_TRUE(server_->running());
  }
  // `prefix` and the name of the running test.
  static std::string test_room(std::string_view prefix) {
    return std::string(prefix) + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  static inline ServerProcess* server_ = nullptr;
};

// Parses one JSON object; throws with the text in the message when it is not one.
inline json::object parse_object(std::string_view text) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    throw std::runtime_error("not a JSON object: '" + std::string(text) + "'");
  }
  return std::move(value.get_object());
}

inline std::string str(const json::object& obj, std::string_view key) {
  const json::value* value = obj.if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : std::string();
}

// An unsigned integer field, or -1 when absent or not one.
inline std::int64_t num(const json::object& obj, std::string_view key) {
  const json::value* value = obj.if_contains(key);
  if (!value) return -1;
  json::error_code ec;
  const auto number = value->to_number<std::int64_t>(ec);
  return ec ? -1 : number;
}

// The value of one series of GET /metrics, e.g. `herald_protocol_errors_total{code="bad_json"}`;
// -1 if the server does not report it.
inline double metric(const ServerProcess& server, std::string_view series) {
  const auto [status, body] = http(server, "GET", "/metrics");
  if (status != 200) throw std::runtime_error("GET /metrics answered " + std::to_string(status));
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

inline std::string protocol_errors_series(std::string_view code) {
  return "herald_protocol_errors_total{code=\"" + std::string(code) + "\"}";
}

inline bool healthy(const ServerProcess& server) {
  try {
    return http(server, "GET", "/healthz").first == 200;
  } catch (const std::system_error&) {
    return false;
  }
}

// FNV-1a of a message's id and data (compact JSON): compares what a subscriber got with what
// was acked, without keeping every payload.
inline std::uint64_t digest(std::string_view id, const json::value& data) {
  std::uint64_t hash = 14695981039346656037ULL;
  const auto mix = [&](std::string_view text) {
    for (const char c : text) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ULL;
    }
  };
  mix(id);
  mix("\n");
  mix(json::serialize(data));
  return hash;
}

// What one subscriber was given, room by room, checked as it arrives: `joined` before any msg
// of the room, then seq by seq from `from` on, no gap, no duplicate. Not thread-safe.
class DeliveryLog {
 public:
  struct Room {
    std::int64_t from = -1;              // of the first `joined`; -1 before it
    std::vector<std::uint64_t> digests;  // digests[i]: of seq from + i
    std::int64_t next() const { return from + static_cast<std::int64_t>(digests.size()); }
  };

  // Every `joined`: the first one says where delivery starts; a re-join (after a reconnect)
  // must continue exactly where delivery stands.
  void joined(std::string_view room, std::int64_t from, bool recovered) {
    Room& state = rooms_[std::string(room)];
    if (state.from < 0) {
      state.from = from;
    } else if (from != state.next() || !recovered) {
      problem("re-joined " + std::string(room) + " from " + std::to_string(from) +
              (recovered ? "" : " (recovered:false)") + " while the next seq due is " +
              std::to_string(state.next()));
    }
  }

  void msg(const json::object& frame) {
    const std::string room = str(frame, "room");
    const std::int64_t seq = num(frame, "seq");
    const auto it = rooms_.find(room);
    if (it == rooms_.end() || it->second.from < 0) {
      return problem("msg before joined: " + json::serialize(frame));
    }
    Room& state = it->second;
    if (seq != state.next()) {
      return problem(room + ": expected seq " + std::to_string(state.next()) + ", got " +
                     std::to_string(seq) + (seq < state.next() ? " (duplicate)" : " (gap)"));
    }
    const json::value* data = frame.if_contains("data");
    state.digests.push_back(digest(str(frame, "id"), data ? *data : json::value()));
    ++total_;
  }
  void msg(std::string_view frame_text) { msg(parse_object(frame_text)); }

  // Anything wrong seen by the test itself (a failed operation, an unexpected frame).
  void problem(std::string what) {
    if (problems_.size() < 20) problems_.push_back(std::move(what));
  }

  std::size_t total() const { return total_; }
  std::size_t count(std::string_view room) const {
    const auto it = rooms_.find(room);
    return it == rooms_.end() ? 0 : it->second.digests.size();
  }
  const std::vector<std::string>& problems() const { return problems_; }
  std::string problems_text() const {
    std::string text;
    for (const auto& p : problems_)
      text += "\n  " + p;
    return text;
  }

  // Whether `room` was delivered exactly as `expected` says: expected[i] is the digest of
  // seq i + 1, and delivery had to start at `from` and reach the end.
  ::testing::AssertionResult delivered(std::string_view room,
                                       const std::vector<std::uint64_t>& expected,
                                       std::int64_t from = 1) const {
    const auto it = rooms_.find(room);
    if (it == rooms_.end()) return ::testing::AssertionFailure() << room << ": never joined";
    const Room& state = it->second;
    if (state.from != from) {
      return ::testing::AssertionFailure()
             << room << ": delivery started at seq " << state.from << ", expected " << from;
    }
    const std::size_t want = expected.size() - static_cast<std::size_t>(from - 1);
    if (state.digests.size() != want) {
      return ::testing::AssertionFailure()
             << room << ": got seqs " << from << ".." << state.next() - 1 << ", expected " << from
             << ".." << expected.size();
    }
    for (std::size_t i = 0; i < want; ++i) {
      if (state.digests[i] != expected[static_cast<std::size_t>(from - 1) + i]) {
        return ::testing::AssertionFailure()
               << room << ": seq " << from + static_cast<std::int64_t>(i)
               << " carries another id or data than the one acked for it";
      }
    }
    return ::testing::AssertionSuccess();
  }

 private:
  std::map<std::string, Room, std::less<>> rooms_;
  std::size_t total_ = 0;
  std::vector<std::string> problems_;
};

struct HttpAnswer {
  int status = 0;
  std::string body;
  json::object json() const { return parse_object(body); }
};

// A keep-alive HTTP/1.1 client for the server API (with the API key): thousands of publishes
// without a connection each. Reconnects once when the server closed the idle connection; only
// publish with an `id` through it, so that a resend is harmless.
class Api {
 public:
  explicit Api(const ServerProcess& server, Millis timeout = 30s)
      : server_(server), timeout_(timeout) {}

  HttpAnswer request(boost::beast::http::verb method, std::string_view target,
                     std::string_view body = {}) {
    try {
      return attempt(method, target, body);
    } catch (const std::system_error&) {
      stream_.reset();  // the server closed it between requests, or restarted
      return attempt(method, target, body);
    }
  }

  // POST /api/publish; expects 200 and returns the answer object.
  json::object publish(std::string_view room, const json::value& data, std::string_view id = {}) {
    json::object body{{"room", room}, {"data", data}};
    if (!id.empty()) body["id"] = id;
    const HttpAnswer answer =
        request(boost::beast::http::verb::post, "/api/publish", json::serialize(body));
    if (answer.status != 200) {
      throw std::runtime_error("POST /api/publish answered " + std::to_string(answer.status) +
                               ": " + answer.body);
    }
    return answer.json();
  }

  // GET /api/history?room=R&since=S&limit=L; expects 200.
  json::object history_page(std::string_view room, std::uint64_t since, unsigned limit = 1000) {
    const std::string target = "/api/history?room=" + std::string(room) +
                               "&since=" + std::to_string(since) +
                               "&limit=" + std::to_string(limit);
    const HttpAnswer answer = request(boost::beast::http::verb::get, target);
    if (answer.status != 200) {
      throw std::runtime_error("GET " + target + " answered " + std::to_string(answer.status) +
                               ": " + answer.body);
    }
    return answer.json();
  }

  struct History {
    std::int64_t head = 0;
    std::int64_t first = 0;
    std::vector<json::object> messages;  // every retained msg frame, oldest first
  };
  // The whole retained history of `room`, page by page.
  History history(std::string_view room) {
    History out;
    std::uint64_t since = 0;
    while (true) {
      json::object page = history_page(room, since);
      if (out.messages.empty()) {
        out.head = num(page, "head");
        out.first = num(page, "first");
      }
      const json::array& messages = page.at("messages").as_array();
      if (messages.empty()) break;
      for (const json::value& message : messages)
        out.messages.push_back(message.as_object());
      since = static_cast<std::uint64_t>(num(out.messages.back(), "seq"));
      if (static_cast<std::int64_t>(since) >= out.head) break;
    }
    return out;
  }

 private:
  HttpAnswer attempt(boost::beast::http::verb method, std::string_view target,
                     std::string_view body) {
    namespace beast = boost::beast;
    namespace web = beast::http;
    web::request<web::string_body> request{method, target, 11};
    request.set(web::field::host, "127.0.0.1:" + std::to_string(server_.port()));
    request.set(web::field::authorization, "Bearer " + server_.api_key());
    if (!body.empty()) request.set(web::field::content_type, "application/json");
    request.keep_alive(true);
    request.body() = std::string(body);
    request.prepare_payload();

    beast::error_code result;
    web::response<web::string_body> response;
    const auto read = [&] {
      web::async_write(*stream_, request, [&](beast::error_code ec, std::size_t) {
        if (ec) return void(result = ec);
        web::async_read(*stream_, buffer_, response,
                        [&](beast::error_code ec, std::size_t) { result = ec; });
      });
    };
    io_.restart();
    if (!stream_) {
      stream_.emplace(io_);
      buffer_.clear();
      stream_->expires_after(timeout_);
      const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::address_v4::loopback(),
                                                    server_.port());
      stream_->async_connect(endpoint, [&](beast::error_code ec) {
        if (ec) return void(result = ec);
        read();
      });
    } else {
      stream_->expires_after(timeout_);
      read();
    }
    io_.run();
    if (result) {
      stream_.reset();
      throw std::system_error(result,
                              std::string(web::to_string(method)) + " " + std::string(target));
    }
    if (!response.keep_alive()) stream_.reset();
    return {static_cast<int>(response.result_int()), std::move(response.body())};
  }

  const ServerProcess& server_;
  Millis timeout_;
  boost::asio::io_context io_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

// A temporary directory, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "herald-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::system_error(errno, std::generic_category());
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A child process (the herald CLI) with stdout and stderr captured in files of its own temporary
// directory. Killed (SIGKILL) by the destructor if it is still running.
class ChildProcess {
 public:
  explicit ChildProcess(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (std::string& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;  // HERALD_* of whoever runs the tests must not change the config
    for (char** entry = environ; *entry; ++entry) {
      if (!std::string_view(*entry).starts_with("HERALD_")) envp.push_back(*entry);
    }
    envp.push_back(nullptr);
    const int out = ::open(path("stdout").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    const int err = ::open(path("stderr").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (out < 0 || err < 0 || in < 0) throw std::system_error(errno, std::generic_category());
    pid_ = ::fork();
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::dup2(in, STDIN_FILENO);
      ::dup2(out, STDOUT_FILENO);
      ::dup2(err, STDERR_FILENO);
      ::close_range(3, ~0U, 0);
      ::execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
    const int fork_errno = errno;
    ::close(out);
    ::close(err);
    ::close(in);
    if (pid_ < 0) throw std::system_error(fork_errno, std::generic_category(), "fork");
  }
  ~ChildProcess() { kill9(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The exit code (128 + signal if killed), or nullopt if still running after `timeout`.
  std::optional<int> wait(Millis timeout = kDeadline) {
    if (status_) return status_;
    eventually(
        [&] {
          int status = 0;
          if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
          status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
          return true;
        },
        timeout);
    return status_;
  }

  void kill9() {
    if (status_ || pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    status_ = 128 + SIGKILL;
  }

  std::string out() const { return slurp(path("stdout")); }
  std::string err() const { return slurp(path("stderr")); }

  // The non-empty lines of stdout.
  std::vector<std::string> out_lines() const {
    std::vector<std::string> lines;
    std::istringstream text(out());
    std::string line;
    while (std::getline(text, line)) {
      if (!line.empty()) lines.push_back(line);
    }
    return lines;
  }

 private:
  static std::string slurp(const std::filesystem::path& path) {
    std::ifstream file(path);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
  }
  std::filesystem::path path(const char* name) const { return dir_.path() / name; }

  TempDir dir_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Runs `herald bench ARGS…`, which writes its JSON result to `out`, and returns that result; a
// failure (with the bench's output) and an empty object if it did not finish well within
// `limit`. What the bench printed goes to stdout too, for whoever reads a failure.
inline json::object run_bench(std::vector<std::string> args, const std::filesystem::path& out,
                              Millis limit) {
  args.insert(args.begin(), {HERALD_BINARY, "bench"});
  args.insert(args.end(), {"--out", out.string()});
  ChildProcess bench(args);
  const std::optional<int> code = bench.wait(limit);
  if (code != 0) {
    ADD_FAILURE() << "herald bench " << args[2] << " exited with "
                  << (code ? std::to_string(*code) : "nothing: still running, killed")
                  << "\nstdout:\n"
                  << bench.out() << "\nstderr:\n"
                  << bench.err();
    return {};
  }
  std::ifstream file(out);
  std::stringstream text;
  text << file.rdbuf();
  std::cout << bench.out();
  return parse_object(text.str());
}

// Publishes `count` messages to `room` through the server API (ids "<room>-<seq>"), numbered on
// from `expected` (the room must hold just those), and returns `expected` with their digests
// appended: element seq - 1.
inline std::vector<std::uint64_t> publish_many(Api& api, const std::string& room, int count,
                                               std::vector<std::uint64_t> expected = {}) {
  for (int i = 0; i < count; ++i) {
    const int n = static_cast<int>(expected.size()) + 1;
    const std::string id = room + "-" + std::to_string(n);
    const json::value data = {{"n", n}};
    const json::object ack = api.publish(room, data, id);
    EXPECT_EQ(num(ack, "seq"), n) << json::serialize(ack);
    expected.push_back(digest(id, data));
  }
  return expected;
}

}  // namespace herald::test
