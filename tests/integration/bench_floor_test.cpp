// `herald bench floor`: the machine's floors that docs/performance.md reads servers against. The
// bare writer must deliver every frame it claims to have written, and the disk's sync floor must
// time exactly the syncs asked for, on their schedule, on the disk asked for, and leave nothing
// behind there.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "itest_support.hpp"

namespace herald::test {
namespace {

constexpr std::int64_t kConnections = 20;
constexpr std::int64_t kRate = 400;  // writes per second, over all connections
constexpr std::int64_t kDuration = 1;
constexpr std::int64_t kFrameBytes = 140;
constexpr std::int64_t kSyncs = 50;
constexpr std::int64_t kSyncRate = 250;  // so the syncs take at least (kSyncs - 1) / kSyncRate s

json::object run_floor(const std::filesystem::path& sync_dir, const std::filesystem::path& out) {
  return run_bench({"floor", "--connections", std::to_string(kConnections), "--rate",
                    std::to_string(kRate), "--duration", std::to_string(kDuration), "--frame-bytes",
                    std::to_string(kFrameBytes), "--syncs", std::to_string(kSyncs), "--sync-rate",
                    std::to_string(kSyncRate), "--sync-dir", sync_dir.string()},
                   out, 60s);
}

double number(const json::object& object, std::string_view key) {
  return object.at(key).to_number<double>();
}

TEST(BenchFloor, WritesEveryFrameAndTimesEverySync) {
  const TempDir results;
  const TempDir disk;
  const json::object result = run_floor(disk.path(), results.path() / "floor.json");
  ASSERT_FALSE(result.empty());
  SCOPED_TRACE(json::serialize(result));

  // One frame per connection per round, every round, and each byte read back.
  const std::int64_t writes = kRate * kDuration;
  EXPECT_EQ(num(result, "writes"), writes);
  EXPECT_EQ(num(result, "short_writes"), 0);
  EXPECT_EQ(num(result, "bytes_written"), writes * kFrameBytes);
  EXPECT_EQ(num(result, "bytes_received"), writes * kFrameBytes);
  EXPECT_GT(number(result, "writer_cpu_us_per_write"), 0);

  EXPECT_EQ(num(result, "syncs"), kSyncs);
  const json::object& latency = result.at("sync_latency_ms").as_object();
  EXPECT_GT(number(latency, "p50"), 0);
  EXPECT_LE(number(latency, "p50"), number(latency, "p99"));
  EXPECT_LE(number(latency, "p99"), number(latency, "max"));
  // On schedule, not back to back: a disk's rare stalls show only over time.
  EXPECT_GE(number(result, "sync_seconds"), static_cast<double>(kSyncs - 1) / kSyncRate);
  EXPECT_EQ(num(result, "sync_stalls") > 0,
            number(latency, "max") > static_cast<double>(num(result, "sync_stall_ms")));
  EXPECT_GT(number(result, "sync_cpu_us"), 0);
  EXPECT_TRUE(std::filesystem::is_empty(disk.path())) << "the scratch file was left behind";
}

TEST(BenchFloor, RefusesADiskItCannotWrite) {
  const TempDir results;
  ChildProcess bench({HERALD_BINARY, "bench", "floor", "--connections", "2", "--rate", "20",
                      "--duration", "1", "--sync-dir", (results.path() / "missing").string(),
                      "--out", (results.path() / "floor.json").string()});
  ASSERT_EQ(bench.wait(60s), 1);
  EXPECT_NE(bench.err().find("cannot create a file in"), std::string::npos) << bench.err();
  EXPECT_FALSE(std::filesystem::exists(results.path() / "floor.json"));
}

}  // namespace
}  // namespace herald::test
