#include "server/fleet_plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

#include "server/fleet_plan_report.hpp"

namespace herald {
namespace {

using ::testing::HasSubstr;

// 10M daily users, 30 % of them online at peak.
FleetInputs ten_million() {
  return {.dau = 10'000'000, .peak_online = 0.3};
}

// The message plan_fleet refuses `inputs` with, or "" if it accepts them.
std::string refusal(const FleetInputs& inputs) {
  try {
    plan_fleet(inputs);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// The textbook case: 3M peak at 10 KB a connection in a 500 MB budget is 60 edges of 50K.
TEST(fleet_plan, ClassicExampleIsSixtyEdgesOfFiftyThousand) {
  FleetInputs inputs = ten_million();
  inputs.bytes_per_connection = 10'000;
  inputs.kernel_bytes_per_connection = 0;
  inputs.memory_per_edge_bytes = 500'000'000;
  inputs.headroom = 1;
  const FleetPlan plan = plan_fleet(inputs);
  EXPECT_EQ(plan.peak, 3'000'000);
  EXPECT_EQ(plan.provisioned, 3'000'000);
  EXPECT_EQ(plan.per_edge_by_memory, 50'000);
  EXPECT_EQ(plan.per_edge, 50'000);
  EXPECT_EQ(plan.bound, EdgeBound::memory);
  EXPECT_EQ(plan.edges, 60);
  EXPECT_EQ(plan.per_edge_at_peak, 50'000);
  EXPECT_EQ(plan.memory_per_edge_at_peak, 500'000'000);
}

// 10 KiB rather than 10 KB: 48,828 a edge, and 61.4 edges are 62.
TEST(fleet_plan, EdgesRoundUp) {
  FleetInputs inputs = ten_million();
  inputs.bytes_per_connection = 10'240;
  inputs.kernel_bytes_per_connection = 0;
  inputs.memory_per_edge_bytes = 500'000'000;
  inputs.headroom = 1;
  const FleetPlan plan = plan_fleet(inputs);
  EXPECT_EQ(plan.per_edge, 48'828);
  EXPECT_EQ(plan.edges, 62);
  EXPECT_EQ(plan.per_edge_at_peak, 48'388);  // ceil(3,000,000 / 62)
}

TEST(fleet_plan, OneConnectionOverAMultipleTakesOneMoreEdge) {
  FleetInputs inputs{.dau = 100'001, .peak_online = 1, .headroom = 1};
  inputs.connections_per_edge_cap = 100'000;
  EXPECT_EQ(plan_fleet(inputs).edges, 2);
  inputs.dau = 100'000;
  EXPECT_EQ(plan_fleet(inputs).edges, 1);
}

TEST(fleet_plan, PeakRoundsUpToWholeConnections) {
  const FleetPlan plan = plan_fleet({.dau = 7, .peak_online = 0.5, .headroom = 1.5});
  EXPECT_EQ(plan.peak, 4);         // 3.5
  EXPECT_EQ(plan.provisioned, 6);  // 4 × 1.5
}

// Doubles hold 0.07 as a hair more (10M × 0.07 = 700,000.0000000001): that must not become one
// connection more than a whole decimal product.
TEST(fleet_plan, WholeDecimalProductsDoNotRoundUp) {
  for (int percent = 1; percent <= 100; ++percent) {
    SCOPED_TRACE(percent);
    const FleetPlan plan =
        plan_fleet({.dau = 10'000'000, .peak_online = percent / 100.0, .headroom = 1.25});
    EXPECT_EQ(plan.peak, 100'000 * percent);
    EXPECT_EQ(plan.provisioned, 125'000 * percent);
  }
}

// Herald's defaults: 1,600 + 4,096 B a connection fit three million in 16 GiB, so the
// file-descriptor cap binds first.
TEST(fleet_plan, CapBindsBeforeMemoryAtTheDefaults) {
  const FleetPlan plan = plan_fleet(ten_million());
  EXPECT_EQ(plan.peak, 3'000'000);
  EXPECT_EQ(plan.provisioned, 4'000'000);  // 4/3 of the peak, exactly
  EXPECT_EQ(plan.memory_per_connection, 5'696);
  EXPECT_EQ(plan.per_edge_by_memory, 3'016'128);  // 17,179,869,184 / 5,696
  EXPECT_EQ(plan.per_edge, 1'000'000);
  EXPECT_EQ(plan.bound, EdgeBound::cap);
  EXPECT_EQ(plan.edges, 4);
  EXPECT_EQ(plan.per_edge_at_peak, 750'000);
  EXPECT_EQ(plan.memory_per_edge_at_peak, 750'000LL * 5'696);
}

TEST(fleet_plan, CapBindsWhenLowerThanMemoryAllows) {
  FleetInputs inputs = ten_million();
  inputs.connections_per_edge_cap = 65'000;
  const FleetPlan plan = plan_fleet(inputs);
  EXPECT_EQ(plan.bound, EdgeBound::cap);
  EXPECT_EQ(plan.per_edge, 65'000);
  EXPECT_EQ(plan.edges, 62);  // ceil(4,000,000 / 65,000)
}

TEST(fleet_plan, RefusesInputsThatMakeNoSense) {
  const auto with = [](const std::function<void(FleetInputs&)>& change) {
    FleetInputs inputs = ten_million();
    change(inputs);
    return refusal(inputs);
  };
  EXPECT_EQ(refusal(ten_million()), "");
  EXPECT_THAT(with([](FleetInputs& in) { in.dau = 0; }), HasSubstr("--dau"));
  EXPECT_THAT(with([](FleetInputs& in) { in.dau = -1; }), HasSubstr("--dau"));
  EXPECT_THAT(with([](FleetInputs& in) { in.peak_online = 0; }), HasSubstr("--peak-online"));
  EXPECT_THAT(with([](FleetInputs& in) { in.peak_online = 1.5; }),
              HasSubstr("--peak-online: expected a fraction above 0 and at most 1, got 1.5"));
  EXPECT_THAT(with([](FleetInputs& in) { in.peak_online = std::nan(""); }),
              HasSubstr("--peak-online"));
  EXPECT_THAT(with([](FleetInputs& in) { in.headroom = 0.9; }), HasSubstr("--headroom"));
  EXPECT_THAT(with([](FleetInputs& in) { in.bytes_per_connection = 0; }),
              HasSubstr("--bytes-per-connection"));
  EXPECT_THAT(with([](FleetInputs& in) { in.kernel_bytes_per_connection = -1; }),
              HasSubstr("--kernel-bytes-per-connection"));
  EXPECT_THAT(with([](FleetInputs& in) { in.connections_per_edge_cap = 0; }),
              HasSubstr("--connections-per-edge-cap"));
  EXPECT_THAT(with([](FleetInputs& in) { in.memory_per_edge_bytes = 5'000; }),
              HasSubstr("--memory-per-edge: expected room for one connection of 5696 B, "
                        "got 5000 B"));
}

TEST(fleet_plan, GibAreBinary) {
  EXPECT_EQ(bytes_from_gib(16), 17'179'869'184);
  EXPECT_EQ(bytes_from_gib(0.5), 536'870'912);
  for (double bad : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW(bytes_from_gib(bad), std::invalid_argument) << bad;
  }
}

TEST(fleet_plan_report, GroupsThousands) {
  EXPECT_EQ(with_thousands(0), "0");
  EXPECT_EQ(with_thousands(999), "999");
  EXPECT_EQ(with_thousands(1'000), "1,000");
  EXPECT_EQ(with_thousands(17'179'869'184), "17,179,869,184");
  EXPECT_EQ(with_thousands(-1'234'567), "-1,234,567");
}

TEST(fleet_plan_report, TextShowsEachFormulaWithItsNumbers) {
  const std::string text = plan_text(plan_fleet(ten_million()));
  EXPECT_THAT(text, HasSubstr("peak concurrent = DAU × peak online = 10,000,000 × 0.3 = "
                              "3,000,000\n"));
  EXPECT_THAT(text, HasSubstr("= ceil(3,000,000 × 1.3333…) = 4,000,000\n"));
  EXPECT_THAT(text, HasSubstr("= 1,600 B + 4,096 B = 5,696 B\n"));
  EXPECT_THAT(text, HasSubstr("= floor(16 GiB / 5,696 B) = 3,016,128\n"));
  EXPECT_THAT(text, HasSubstr("= min(3,016,128, 1,000,000) = 1,000,000 (the cap binds)\n"));
  EXPECT_THAT(text, HasSubstr("edges = ceil(provisioned / per edge) = ceil(4,000,000 / "
                              "1,000,000) = 4\n"));
  EXPECT_THAT(text, HasSubstr("= 750,000 × 5,696 B = 4,272,000,000 B (3.98 GiB, 25 % of 16 GiB)"));
}

TEST(fleet_plan_report, JsonCarriesTheSameFigures) {
  const boost::json::object json = plan_json(plan_fleet(ten_million()));
  EXPECT_EQ(json.at("peak_concurrent").as_int64(), 3'000'000);
  EXPECT_EQ(json.at("provisioned").as_int64(), 4'000'000);
  EXPECT_EQ(json.at("per_edge").as_int64(), 1'000'000);
  EXPECT_EQ(json.at("bound").as_string(), "cap");
  EXPECT_EQ(json.at("edges").as_int64(), 4);
  EXPECT_EQ(json.at("memory_per_edge_bytes").as_int64(), 17'179'869'184);
  EXPECT_DOUBLE_EQ(json.at("peak_online").as_double(), 0.3);
}

}  // namespace
}  // namespace herald
