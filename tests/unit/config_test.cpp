#include "server/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

extern char** environ;

namespace herald {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// Removes every HERALD_* variable so the runner's environment cannot leak into a test.
void clear_herald_environment() {
  std::vector<std::string> names;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (text.starts_with("HERALD_")) names.emplace_back(text.substr(0, text.find('=')));
  }
  for (const auto& name : names)
    unsetenv(name.c_str());
}

// The message of the exception `action` throws as E, or "" if it throws nothing.
template <class E>
std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override { clear_herald_environment(); }

  void TearDown() override {
    clear_herald_environment();
    for (const auto& file : files_)
      std::filesystem::remove(file);
  }

  // Runs `herald serve ARGS...` through CLI11 and finish_config, as the real main does.
  static Config parse(const std::vector<std::string>& args) {
    CLI::App app{"herald"};
    CLI::App* serve = app.add_subcommand("serve");
    Config config;
    add_config_options(*serve, config);
    std::vector<const char*> argv{"herald", "serve"};
    for (const auto& arg : args)
      argv.push_back(arg.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    finish_config(*serve, config);
    return config;
  }

  // Writes a TOML file unique to this test and returns its path.
  std::string write_toml(const std::string& text) {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    auto path = std::filesystem::temp_directory_path() /
                ("herald_config_test_" + std::to_string(getpid()) + "_" + test->name() + "_" +
                 std::to_string(files_.size()) + ".toml");
    std::ofstream(path) << text;
    files_.push_back(path);
    return path.string();
  }

 private:
  std::vector<std::filesystem::path> files_;
};

TEST_F(ConfigTest, Defaults) {
  Config config = parse({});
  EXPECT_EQ(config.listen, "127.0.0.1:8080");
  EXPECT_EQ(config.data, "var");
  EXPECT_EQ(config.api_key, "");
  EXPECT_GE(config.threads, 1u);  // 0 resolved to the number of cores
  EXPECT_EQ(config.limits.max_frame_bytes, 64u * 1024);
  EXPECT_EQ(config.limits.max_rooms, 100u);
  EXPECT_EQ(config.limits.publish_rate, 100);
  EXPECT_EQ(config.limits.publish_burst, 200);
  EXPECT_EQ(config.limits.outbound_queue_bytes, 1024u * 1024);
  EXPECT_EQ(config.limits.heartbeat, 30s);
  EXPECT_EQ(config.retention_messages, 10000u);
  EXPECT_EQ(config.retention_age, 86400s);
  EXPECT_EQ(config.cache_messages, 1000u);
  EXPECT_EQ(config.cache_age, 900s);
  EXPECT_TRUE(config.store_sync_full);
  EXPECT_EQ(config.max_connections, 0u);
  EXPECT_EQ(config.admission_rate, 500);
  EXPECT_EQ(config.admission_burst, 0);
  EXPECT_EQ(config.drain_window, 30s);
  EXPECT_EQ(config.log_level, "info");
}

TEST_F(ConfigTest, FlagsSetEveryOption) {
  Config config = parse({"--listen",
                         "[::1]:9000",
                         "--data",
                         "/tmp/h",
                         "--api-key",
                         "k",
                         "--threads",
                         "3",
                         "--max-frame-bytes",
                         "1000",
                         "--max-rooms",
                         "7",
                         "--publish-rate",
                         "2.5",
                         "--publish-burst",
                         "5",
                         "--outbound-queue-bytes",
                         "4096",
                         "--heartbeat-ms",
                         "1500",
                         "--retention-messages",
                         "50",
                         "--retention-seconds",
                         "60",
                         "--cache-messages",
                         "0",
                         "--cache-seconds",
                         "30",
                         "--store-sync",
                         "normal",
                         "--max-connections",
                         "900",
                         "--admission-rate",
                         "50",
                         "--admission-burst",
                         "80",
                         "--drain-window",
                         "5",
                         "--log-level",
                         "debug"});
  EXPECT_EQ(config.listen, "[::1]:9000");
  EXPECT_EQ(config.data, "/tmp/h");
  EXPECT_EQ(config.api_key, "k");
  EXPECT_EQ(config.threads, 3u);
  EXPECT_EQ(config.limits.max_frame_bytes, 1000u);
  EXPECT_EQ(config.limits.max_rooms, 7u);
  EXPECT_EQ(config.limits.publish_rate, 2.5);
  EXPECT_EQ(config.limits.publish_burst, 5);
  EXPECT_EQ(config.limits.outbound_queue_bytes, 4096u);
  EXPECT_EQ(config.limits.heartbeat, 1500ms);
  EXPECT_EQ(config.retention_messages, 50u);
  EXPECT_EQ(config.retention_age, 60s);
  EXPECT_EQ(config.cache_messages, 0u);
  EXPECT_EQ(config.cache_age, 30s);
  EXPECT_FALSE(config.store_sync_full);
  EXPECT_EQ(config.max_connections, 900u);
  EXPECT_EQ(config.admission_rate, 50);
  EXPECT_EQ(config.admission_burst, 80);
  EXPECT_EQ(config.drain_window, 5s);
  EXPECT_EQ(config.log_level, "debug");
}

TEST_F(ConfigTest, TheLastOfRepeatedFlagsWins) {
  Config config = parse({"--threads", "2", "--drain-window", "9", "--threads", "5"});
  EXPECT_EQ(config.threads, 5u);
  EXPECT_EQ(config.drain_window, 9s);
}

TEST_F(ConfigTest, EnvironmentSetsValues) {
  setenv("HERALD_MAX_FRAME_BYTES", "2048", 1);
  setenv("HERALD_API_KEY", "secret", 1);
  setenv("HERALD_STORE_SYNC", "normal", 1);
  setenv("HERALD_HEARTBEAT_MS", "250", 1);
  Config config = parse({});
  EXPECT_EQ(config.limits.max_frame_bytes, 2048u);
  EXPECT_EQ(config.api_key, "secret");
  EXPECT_FALSE(config.store_sync_full);
  EXPECT_EQ(config.limits.heartbeat, 250ms);
}

TEST_F(ConfigTest, FileSetsValues) {
  std::string file = write_toml(R"(
listen = "0.0.0.0:80"
data = "/srv/herald"
threads = 2
publish_rate = 10        # an integer is fine for a number
publish_burst = 12.5
retention_seconds = 3600
store_sync = "normal"
log_level = "warn"
)");
  Config config = parse({"--config", file});
  EXPECT_EQ(config.listen, "0.0.0.0:80");
  EXPECT_EQ(config.data, "/srv/herald");
  EXPECT_EQ(config.threads, 2u);
  EXPECT_EQ(config.limits.publish_rate, 10);
  EXPECT_EQ(config.limits.publish_burst, 12.5);
  EXPECT_EQ(config.retention_age, 3600s);
  EXPECT_FALSE(config.store_sync_full);
  EXPECT_EQ(config.log_level, "warn");
}

TEST_F(ConfigTest, FileNamedByEnvironment) {
  setenv("HERALD_CONFIG", write_toml("max_rooms = 3\n").c_str(), 1);
  EXPECT_EQ(parse({}).limits.max_rooms, 3u);
}

TEST_F(ConfigTest, PrecedenceFlagEnvFileDefault) {
  std::string file = write_toml(R"(
threads = 2
listen = "10.0.0.1:1000"
log_level = "error"
)");
  setenv("HERALD_THREADS", "3", 1);
  setenv("HERALD_LISTEN", "10.0.0.2:2000", 1);
  Config config = parse({"--config", file, "--threads", "4"});
  EXPECT_EQ(config.threads, 4u);              // flag beats env and file
  EXPECT_EQ(config.listen, "10.0.0.2:2000");  // env beats file
  EXPECT_EQ(config.log_level, "error");       // file beats default
  EXPECT_EQ(config.limits.max_rooms, 100u);   // default
}

TEST_F(ConfigTest, TomlAcceptsDashesAndUnderscores) {
  std::string file = write_toml(R"(
max-frame-bytes = 111
outbound_queue_bytes = 222
"cache-seconds" = 5
)");
  Config config = parse({"--config", file});
  EXPECT_EQ(config.limits.max_frame_bytes, 111u);
  EXPECT_EQ(config.limits.outbound_queue_bytes, 222u);
  EXPECT_EQ(config.cache_age, 5s);
}

TEST_F(ConfigTest, TomlSameOptionInBothSpellingsIsAnError) {
  std::string file = write_toml("max-rooms = 1\nmax_rooms = 2\n");
  EXPECT_THAT(error_of<std::runtime_error>([&] {
                parse({"--config", file});
              }),
              HasSubstr("'max-rooms' is set twice"));
}

TEST_F(ConfigTest, UnknownKeyNamesKeyAndFile) {
  std::string file = write_toml("listen = \"127.0.0.1:1\"\nmax_frame_byte = 10\n");
  std::string error = error_of<std::runtime_error>([&] { parse({"--config", file}); });
  EXPECT_THAT(error, HasSubstr("unknown key 'max_frame_byte'"));
  EXPECT_THAT(error, HasSubstr(file + ":2"));
}

TEST_F(ConfigTest, NestedTableIsAnUnknownKey) {
  std::string file = write_toml("[limits]\nmax_rooms = 2\n");
  EXPECT_THAT(error_of<std::runtime_error>([&] {
                parse({"--config", file});
              }),
              HasSubstr("unknown key 'limits'"));
}

TEST_F(ConfigTest, ConfigIsNotAKeyInsideTheFile) {
  std::string file = write_toml("config = \"other.toml\"\n");
  EXPECT_THAT(error_of<std::runtime_error>([&] {
                parse({"--config", file});
              }),
              HasSubstr("unknown key 'config'"));
}

TEST_F(ConfigTest, WrongTypeNamesKey) {
  std::string file = write_toml("threads = \"four\"\n");
  std::string error = error_of<std::runtime_error>([&] { parse({"--config", file}); });
  EXPECT_THAT(error, HasSubstr("key 'threads'"));
  EXPECT_THAT(error, HasSubstr("expected an integer, got string"));
  EXPECT_THAT(error, HasSubstr(file));

  file = write_toml("listen = 8080\n");
  EXPECT_THAT(error_of<std::runtime_error>([&] {
                parse({"--config", file});
              }),
              HasSubstr("key 'listen': expected a string, got integer"));

  file = write_toml("retention_messages = -1\n");
  EXPECT_THAT(error_of<std::runtime_error>([&] {
                parse({"--config", file});
              }),
              HasSubstr("key 'retention_messages': expected a non-negative integer"));
}

TEST_F(ConfigTest, WrongTypeIsReportedEvenWhenAFlagOverridesIt) {
  std::string file = write_toml("threads = true\n");
  EXPECT_THAT(error_of<std::runtime_error>([&] {
                parse({"--config", file, "--threads", "2"});
              }),
              HasSubstr("key 'threads'"));
}

TEST_F(ConfigTest, MissingOrBrokenFileNamesFile) {
  EXPECT_THAT(error_of<std::runtime_error>([] {
                parse({"--config", "/nonexistent/h.toml"});
              }),
              HasSubstr("/nonexistent/h.toml"));
  std::string file = write_toml("threads = \n");
  EXPECT_THAT(error_of<std::runtime_error>([&] {
                parse({"--config", file});
              }),
              HasSubstr(file + ":1"));
}

TEST_F(ConfigTest, InvalidListen) {
  for (const char* listen : {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:http",
                             ":8080", "::1:8080", "[::1]", "[127.0.0.1]:80", "[]:80"}) {
    EXPECT_THAT(error_of<CLI::ValidationError>([&] {
                  parse({"--listen", listen});
                }),
                HasSubstr("listen"))
        << listen;
  }
}

TEST_F(ConfigTest, InvalidStoreSync) {
  EXPECT_THAT(
      error_of<CLI::ValidationError>([] {
        parse({"--store-sync", "fast"});
      }),
      HasSubstr("--store-sync / HERALD_STORE_SYNC: expected \"full\" or \"normal\", got 'fast'"));
  std::string file = write_toml("store_sync = \"off\"\n");
  EXPECT_THAT(error_of<std::runtime_error>([&] {
                parse({"--config", file});
              }),
              HasSubstr("key 'store_sync': expected \"full\" or \"normal\""));
}

TEST_F(ConfigTest, InvalidLogLevel) {
  EXPECT_THAT(error_of<CLI::ValidationError>([] {
                parse({"--log-level", "verbose"});
              }),
              HasSubstr("log-level"));
}

TEST_F(ConfigTest, InvalidNumbers) {
  EXPECT_THROW(parse({"--threads", "two"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--max-rooms", "-1"}), CLI::ValidationError);  // not SIZE_MAX
  EXPECT_THROW(parse({"--max-rooms", "0"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--max-rooms", "99999999999999999999999"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--publish-rate", "0"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--publish-rate", "nan"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--publish-burst", "0.5"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--heartbeat-ms", "0"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--retention-seconds", "99999999999999"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--admission-rate", "-5"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--admission-burst", "0.5"}), CLI::ValidationError);
  setenv("HERALD_MAX_FRAME_BYTES", "1k", 1);
  EXPECT_THROW(parse({}), CLI::ValidationError);
}

#ifdef HERALD_FAULT_HOOKS
// The test build's fault hooks (transport/fault_hooks.hpp) are set like any option, but hidden.
TEST_F(ConfigTest, FaultOptionsAreHidden) {
  const Config config = parse(
      {"--fault-drop-every", "7", "--fault-duplicate-every", "5", "--fault-close-after", "50"});
  EXPECT_EQ(config.faults.drop_every, 7u);
  EXPECT_EQ(config.faults.duplicate_every, 5u);
  EXPECT_EQ(config.faults.close_after, 50u);
  EXPECT_EQ(parse({}).faults.drop_every, 0u);

  CLI::App app{"herald"};
  CLI::App* serve = app.add_subcommand("serve");
  Config shown;
  add_config_options(*serve, shown);
  const std::string help = serve->help();
  EXPECT_THAT(help, HasSubstr("--max-frame-bytes"));
  EXPECT_THAT(help, Not(HasSubstr("fault")));
  EXPECT_THAT(error_of<std::runtime_error>([&] {
                parse({"--config", write_toml("x = 1")});
              }),
              Not(HasSubstr("fault")));
}
#endif

TEST(SplitHostPort, ParsesHostsAndPorts) {
  EXPECT_EQ(split_host_port("127.0.0.1:8080"),
            std::make_pair(std::string("127.0.0.1"), static_cast<unsigned short>(8080)));
  EXPECT_EQ(split_host_port("[::1]:1").first, "::1");
  EXPECT_EQ(split_host_port("[::1]:1").second, 1);
  EXPECT_EQ(split_host_port("localhost:65535").second, 65535);
  EXPECT_THROW(split_host_port(""), std::invalid_argument);
  EXPECT_THROW(split_host_port("host:"), std::invalid_argument);
  EXPECT_THROW(split_host_port("host:-1"), std::invalid_argument);
  EXPECT_THROW(split_host_port("host:80x"), std::invalid_argument);
}

}  // namespace
}  // namespace herald
