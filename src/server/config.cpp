#include "server/config.hpp"

#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace herald {
namespace {

constexpr std::string_view kConfigOption = "config";
constexpr std::array<std::string_view, 5> kLogLevels = {"trace", "debug", "info", "warn", "error"};

std::string in_quotes(std::string_view text) {
  return "'" + std::string(text) + "'";
}

// --- Naming: one option name, three spellings -------------------------------------------------

std::string flag_name(std::string_view name) {
  return "--" + std::string(name);
}

std::string env_name(std::string_view name) {
  std::string env = "HERALD_";
  for (char ch : name) {
    env += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return env;
}

// TOML accepts both max_frame_bytes and max-frame-bytes; both map to the dashed name.
std::string dashed(std::string_view key) {
  std::string name(key);
  std::replace(name.begin(), name.end(), '_', '-');
  return name;
}

// --- Values: text is the common form ----------------------------------------------------------
// Flags and environment variables arrive as text; TOML values are turned into text too, so every
// source accepts and rejects exactly the same values. Parsers throw std::invalid_argument.

// Which TOML value types an option accepts (checked before the text conversion).
enum class TomlKind { string, integer, number };

// std::from_chars rather than CLI11's conversion: CLI11 2.1 reads "-1" as SIZE_MAX and "010" as 8.
template <std::unsigned_integral T>
T parse_unsigned(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range)
    throw std::invalid_argument("too large: " + in_quotes(text));
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw std::invalid_argument("expected a non-negative integer, got " + in_quotes(text));
  }
  return value;
}

std::string show_double(double value) {
  std::array<char, 32> buffer{};
  auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), ec == std::errc{} ? end : buffer.data());
}

template <class T>
struct Codec;

template <>
struct Codec<std::string> {
  static constexpr TomlKind kind = TomlKind::string;
  static constexpr std::string_view type_name = "TEXT";
  static void parse(std::string_view text, std::string& out) { out = text; }
  static std::string show(const std::string& value) { return value; }
};

template <>
struct Codec<std::filesystem::path> {
  static constexpr TomlKind kind = TomlKind::string;
  static constexpr std::string_view type_name = "PATH";
  static void parse(std::string_view text, std::filesystem::path& out) { out = text; }
  static std::string show(const std::filesystem::path& value) { return value.string(); }
};

template <std::unsigned_integral T>
struct Codec<T> {
  static constexpr TomlKind kind = TomlKind::integer;
  static constexpr std::string_view type_name = "UINT";
  static void parse(std::string_view text, T& out) { out = parse_unsigned<T>(text); }
  static std::string show(T value) { return std::to_string(value); }
};

template <>
struct Codec<double> {
  static constexpr TomlKind kind = TomlKind::number;
  static constexpr std::string_view type_name = "NUMBER";
  static void parse(std::string_view text, double& out) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    // from_chars accepts "nan" and "inf"; neither is a usable rate.
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
      throw std::invalid_argument("expected a number, got " + in_quotes(text));
    }
    out = value;
  }
  static std::string show(double value) { return show_double(value); }
};

template <class Rep, class Period>
struct Codec<std::chrono::duration<Rep, Period>> {
  using Duration = std::chrono::duration<Rep, Period>;
  static constexpr TomlKind kind = TomlKind::integer;
  static constexpr std::string_view type_name = "UINT";
  static void parse(std::string_view text, Duration& out) {
    // Capped so that converting to nanoseconds for a timer can never overflow.
    constexpr auto max = std::chrono::duration_cast<Duration>(std::chrono::nanoseconds::max());
    auto count = parse_unsigned<std::uint64_t>(text);
    if (count > static_cast<std::uint64_t>(max.count())) {
      throw std::invalid_argument("too large: " + in_quotes(text));
    }
    out = Duration(static_cast<Rep>(count));
  }
  static std::string show(Duration value) { return std::to_string(value.count()); }
};

// Config keeps store_sync as a bool; outside it is a word, so it gets its own codec.
struct StoreSyncCodec {
  static constexpr TomlKind kind = TomlKind::string;
  static constexpr std::string_view type_name = "full|normal";
  static void parse(std::string_view text, bool& full) {
    if (text != "full" && text != "normal") {
      throw std::invalid_argument("expected \"full\" or \"normal\", got " + in_quotes(text));
    }
    full = text == "full";
  }
  static std::string show(bool full) { return full ? "full" : "normal"; }
};

struct TransportsCodec {
  static constexpr TomlKind kind = TomlKind::string;
  static constexpr std::string_view type_name = "websocket,sse";
  static void parse(std::string_view text, Transports& out) { out = parse_transports(text); }
  static std::string show(const Transports& value) { return format_transports(value); }
};

// --- The option table ------------------------------------------------------------------------

struct OptionSpec {
  std::string_view name;  // dashed: the flag, env variable and TOML key derive from it
  std::string_view help;
  TomlKind kind;
  std::string_view type_name;
  std::string default_text;
  std::function<void(std::string_view)> parse;  // writes the bound member
  bool hidden = false;                          // left out of --help and of error messages
};

template <class T, class C = Codec<T>>
OptionSpec bind_option(std::string_view name, std::string_view help, T& member) {
  auto parse = [&member](std::string_view text) { C::parse(text, member); };
  return {name, help, C::kind, C::type_name, C::show(member), parse};
}

// Test builds only: faults the server commits on purpose, so that the bench's integration tests
// can check what it counts (transport/fault_hooks.hpp). Hidden, since no real server wants them.
void add_fault_options([[maybe_unused]] std::vector<OptionSpec>& table,
                       [[maybe_unused]] FaultSettings& f) {
#ifdef HERALD_FAULT_HOOKS
  const auto add_hidden = [&table](OptionSpec spec) {
    spec.hidden = true;
    table.push_back(std::move(spec));
  };
  add_hidden(bind_option("fault-drop-every", "Test build: skip every Nth msg frame of a WebSocket",
                         f.drop_every));
  add_hidden(bind_option("fault-duplicate-every",
                         "Test build: write every Nth msg frame of a WebSocket twice",
                         f.duplicate_every));
  add_hidden(bind_option("fault-close-after",
                         "Test build: close the first WebSocket sent N msg frames, after the Nth",
                         f.close_after));
#endif
}

// Built per Config because each entry writes a member of that Config.
std::vector<OptionSpec> option_table(Config& c) {
  Limits& l = c.limits;
  std::vector<OptionSpec> table = {
      bind_option("listen", "Address to listen on, HOST:PORT (IPv6 as [::1]:8080)", c.listen),
      bind_option("data", "Data directory; the SQLite file lives inside", c.data),
      bind_option("api-key",
                  "Key for the server API; empty closes it. Prefer the environment or the file: "
                  "flags are visible in ps",
                  c.api_key),
      bind_option("threads", "Event loops; 0 = one per core", c.threads),
      bind_option<Transports, TransportsCodec>(
          "transports",
          "Session transports offered, comma-separated: websocket, sse, longpoll, poll",
          c.transports),
      bind_option("max-frame-bytes", "Largest frame a client may send", l.max_frame_bytes),
      bind_option("max-rooms", "Rooms one session may join", l.max_rooms),
      bind_option("publish-rate", "Sustained publishes per second per session", l.publish_rate),
      bind_option("publish-burst", "Publishes a session may send at once above the rate",
                  l.publish_burst),
      bind_option("outbound-queue-bytes", "Bytes queued for a session before it is a slow consumer",
                  l.outbound_queue_bytes),
      bind_option("heartbeat-ms", "Client heartbeat interval in milliseconds", l.heartbeat),
      bind_option("presence-ttl-ms",
                  "Milliseconds a silent session stays present; 0 = twice heartbeat-ms",
                  l.presence_ttl),
      bind_option("presence-window-ms",
                  "Milliseconds over which presence and status changes are batched and debounced",
                  c.presence_window),
      bind_option("presence-list-max", "Members above which a room's presence is a count",
                  c.presence_list_max),
      bind_option("ping-interval", "Seconds of silence after which a WebSocket is pinged",
                  l.ping_interval),
      bind_option("pong-timeout", "Seconds a pinged WebSocket has to answer before it is closed",
                  l.pong_timeout),
      bind_option("stream-keepalive", "Seconds of silence after which an SSE stream gets a comment",
                  l.stream_keepalive),
      bind_option("retention-messages", "Messages kept per room", c.retention_messages),
      bind_option("retention-seconds", "Age after which stored messages are deleted",
                  c.retention_age),
      bind_option("cache-messages", "Recent messages cached in memory per room", c.cache_messages),
      bind_option("cache-seconds", "Age after which cached messages are evicted", c.cache_age),
      bind_option<bool, StoreSyncCodec>(
          "store-sync", "SQLite sync: full survives power loss, normal only a crash",
          c.store_sync_full),
      bind_option("max-connections",
                  "Open connections at most; 0 = the open-files limit less a reserve",
                  c.max_connections),
      bind_option("admission-rate", "New connections accepted per second; 0 = unlimited",
                  c.admission_rate),
      bind_option("admission-burst",
                  "New connections accepted at once above the rate; 0 = one second's worth",
                  c.admission_burst),
      bind_option("drain-window", "Seconds over which SIGTERM closes the sessions", c.drain_window),
      bind_option("polls-per-address",
                  "Polls one client address may hold open at once; 0 = no limit",
                  c.polls_per_address),
      bind_option("log-level", "One of trace, debug, info, warn, error", c.log_level),
  };
  add_fault_options(table, c.faults);
  return table;
}

// --- Command line and environment ------------------------------------------------------------

void add_to_cli(CLI::App& serve, const OptionSpec& spec) {
  std::string flag = flag_name(spec.name);
  // The value may have come from either spelling, and CLI11 does not say which: name both.
  auto on_value = [sources = flag + " / " + env_name(spec.name),
                   parse = spec.parse](const std::string& text) {
    try {
      parse(text);
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError(sources, e.what());
    }
  };
  CLI::Option* option =
      serve.add_option_function<std::string>(flag, on_value, std::string(spec.help))
          ->envname(env_name(spec.name))
          ->type_name(std::string(spec.type_name))
          ->default_str(spec.default_text)
          // The last of repeated flags wins, so a wrapper can append overrides to its defaults.
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  if (spec.hidden) option->group("");
}

bool set_outside_file(const CLI::App& serve, std::string_view name) {
  return serve.get_option(flag_name(name))->count() > 0;
}

// --- TOML file -------------------------------------------------------------------------------

std::string location(const std::string& path, const toml::source_region& source) {
  if (source.begin.line == 0) return path;
  return path + ":" + std::to_string(source.begin.line);
}

toml::table load_toml(const std::string& path) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(location(path, e.source()) + ": " + std::string(e.description()));
  }
}

std::string_view kind_name(TomlKind kind) {
  switch (kind) {
    case TomlKind::string:
      return "a string";
    case TomlKind::integer:
      return "an integer";
    case TomlKind::number:
      return "a number";
  }
  return "?";
}

// The TOML value as text for the option's parser; throws if it is the wrong TOML type.
std::string toml_text(const toml::node& node, TomlKind kind) {
  if (kind == TomlKind::string && node.is_string()) return *node.value_exact<std::string>();
  if (kind == TomlKind::integer && node.is_integer()) {
    return std::to_string(*node.value_exact<std::int64_t>());
  }
  if (kind == TomlKind::number && node.is_number()) return show_double(*node.value<double>());
  std::ostringstream message;
  message << "expected " << kind_name(kind) << ", got " << node.type();
  throw std::invalid_argument(message.str());
}

std::size_t find_option(const std::vector<OptionSpec>& specs, std::string_view key,
                        const std::string& where) {
  std::string name = dashed(key);
  auto it = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
  if (it != specs.end()) return static_cast<std::size_t>(it - specs.begin());
  std::string valid;
  for (const auto& spec : specs) {
    if (!spec.hidden) valid += (valid.empty() ? "" : ", ") + std::string(spec.name);
  }
  throw std::runtime_error(where + ": unknown key " + in_quotes(key) + " (known: " + valid + ")");
}

void apply_file(const CLI::App& serve, Config& config, const std::string& path) {
  toml::table root = load_toml(path);
  std::vector<OptionSpec> specs = option_table(config);
  // A key that a flag or the environment overrides is still parsed (into this scratch Config),
  // so a broken file is reported even while it is shadowed.
  Config scratch;
  std::vector<OptionSpec> scratch_specs = option_table(scratch);
  std::vector<bool> seen(specs.size(), false);
  for (auto&& [key, node] : root) {
    std::string where = location(path, node.source());
    std::size_t i = find_option(specs, key.str(), where);
    if (seen[i])
      throw std::runtime_error(where + ": " + in_quotes(specs[i].name) + " is set twice");
    seen[i] = true;
    const OptionSpec& target = set_outside_file(serve, specs[i].name) ? scratch_specs[i] : specs[i];
    try {
      target.parse(toml_text(node, target.kind));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(where + ": key " + in_quotes(key.str()) + ": " + e.what());
    }
  }
}

// --- Validation of the merged result ---------------------------------------------------------

void require(bool ok, std::string_view name, const std::string& message) {
  if (!ok) throw CLI::ValidationError(std::string(name), message);
}

template <class T>
void require_positive(std::string_view name, T value) {
  require(value > T{}, name, "must be greater than 0");
}

void validate_limits(const Limits& l) {
  require_positive("max-frame-bytes", l.max_frame_bytes);
  require_positive("max-rooms", l.max_rooms);
  require_positive("publish-rate", l.publish_rate);
  // A publish costs one token: a bucket that never holds one would refuse every publish.
  require(l.publish_burst >= 1, "publish-burst", "must be at least 1");
  require_positive("outbound-queue-bytes", l.outbound_queue_bytes);
  require_positive("heartbeat-ms", l.heartbeat);
  require_positive("stream-keepalive", l.stream_keepalive);
}

void validate(const Config& c) {
  try {
    split_host_port(c.listen);
  } catch (const std::invalid_argument& e) {
    throw CLI::ValidationError("listen", e.what());
  }
  require(!c.data.empty(), "data", "must not be empty");
  validate_limits(c.limits);
  require_positive("presence-window-ms", c.presence_window);
  // Zero retention would delete messages as soon as they are stored, so resume could never work.
  require_positive("retention-messages", c.retention_messages);
  require_positive("retention-seconds", c.retention_age);
  require(c.admission_rate >= 0, "admission-rate", "must not be negative");
  require(c.admission_burst == 0 || c.admission_burst >= 1, "admission-burst",
          "must be 0 (one second's worth) or at least 1");
  bool known_level =
      std::find(kLogLevels.begin(), kLogLevels.end(), c.log_level) != kLogLevels.end();
  require(known_level, "log-level",
          "expected trace, debug, info, warn or error, got " + in_quotes(c.log_level));
}

}  // namespace

void add_config_options(CLI::App& serve, Config& config) {
  for (const OptionSpec& spec : option_table(config))
    add_to_cli(serve, spec);
  serve.add_option(flag_name(kConfigOption), "TOML file with any of these options as flat keys")
      ->envname(env_name(kConfigOption))
      ->type_name("FILE");
}

void finish_config(CLI::App& serve, Config& config) {
  const CLI::Option* file = serve.get_option(flag_name(kConfigOption));
  if (file->count() > 0) apply_file(serve, config, file->as<std::string>());
  validate(config);
  if (config.threads == 0) config.threads = std::max(1u, std::thread::hardware_concurrency());
}

std::pair<std::string, unsigned short> split_host_port(std::string_view text) {
  auto fail = [text](std::string_view why) {
    return std::invalid_argument(std::string(why) + " in " + in_quotes(text) +
                                 " (expected HOST:PORT, IPv6 as [::1]:8080)");
  };
  std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) throw fail("no port");
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
    if (host.find(':') == std::string_view::npos) throw fail("brackets are only for IPv6");
  } else if (host.find_first_of(":[]") != std::string_view::npos) {
    throw fail("an IPv6 address needs brackets");
  }
  if (host.empty()) throw fail("empty host");
  if (host.find_first_of(" \t\r\n") != std::string_view::npos) throw fail("space in host");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
    throw fail("port must be 1..65535");
  }
  return {std::string(host), static_cast<unsigned short>(port)};
}

}  // namespace herald
