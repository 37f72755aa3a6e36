#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "bench/event_timeline.hpp"
#include "bench/histogram.hpp"
#include "bench/progress.hpp"
#include "bench/source_addresses.hpp"
#include "bench/svg_chart.hpp"
#include "bench/worker_pool.hpp"

namespace herald::bench {
namespace {

TEST(Histogram, NearestRankPercentiles) {
  Histogram histogram;
  for (int i = 100; i >= 1; --i)
    histogram.add(i);
  EXPECT_EQ(histogram.percentile(50), 50);
  EXPECT_EQ(histogram.percentile(90), 90);
  EXPECT_EQ(histogram.percentile(99), 99);
  EXPECT_EQ(histogram.percentile(99.5), 100);
  EXPECT_EQ(histogram.percentile(0), 1);
  EXPECT_EQ(histogram.max(), 100);
  EXPECT_EQ(Histogram{}.percentile(50), 0);
}

TEST(Histogram, BinsKeepTheTailInTheLastBin) {
  Histogram histogram;
  for (const double value : {0.0, 4.9, 5.0, 9.9, 250.0})
    histogram.add(value);
  EXPECT_EQ(histogram.bins(10, 2), (std::vector<std::size_t>{2, 3}));
}

TEST(EventTimeline, PeakUsesASlidingWindow) {
  EventTimeline timeline;
  timeline.add(8, 3);
  timeline.add(12, 4);  // fixed 10 ms windows would split these 7
  timeline.add(40, 5);
  EXPECT_EQ(timeline.peak(10), 7u);
  EXPECT_EQ(timeline.peak(1), 5u);
  EXPECT_EQ(timeline.series(0, 10, 5), (std::vector<std::size_t>{3, 4, 0, 0, 5}));
  EXPECT_EQ(EventTimeline::from_json(timeline.to_json()).peak(100), 12u);
}

TEST(SourceAddresses, EachWorkerGetsItsOwnAddressesStartingAt127002) {
  const auto addresses = allocate_source_addresses({5000, 5000, 12000}, 5000);
  EXPECT_EQ(addresses, (std::vector<std::vector<std::string>>{
                           {"127.0.0.2"}, {"127.0.0.3"}, {"127.0.0.4", "127.0.0.5", "127.0.0.6"}}));
  EXPECT_EQ(allocate_source_addresses({0}, 10).front(), std::vector<std::string>{"127.0.0.2"});
  EXPECT_THROW(allocate_source_addresses({1}, 0), std::invalid_argument);
  EXPECT_EQ(allocate_source_addresses(std::vector<std::size_t>(300, 1), 1)[254].front(),
            "127.0.1.0");
}

TEST(SourceAddresses, ShareSplitsEvenly) {
  EXPECT_EQ(share(10, 3), (std::vector<std::size_t>{4, 3, 3}));
  EXPECT_TRUE(share(10, 0).empty());
}

// Well-formed enough for a browser: one root, balanced elements, text escaped.
TEST(SvgChart, RendersAStandaloneDocument) {
  const Chart chart{"a < b & c", "x", "y", {{"one", "#f00", {{0, 0}, {3, 7}}}}};
  const std::string svg = render_svg(chart);
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_NE(svg.find("a &lt; b &amp; c"), std::string::npos);
  EXPECT_EQ(svg.find("a < b"), std::string::npos);
  std::size_t opened = 0;
  std::size_t closed = 0;
  for (std::size_t at = 0; (at = svg.find('<', at)) != std::string::npos; ++at) {
    if (svg.compare(at, 2, "</") == 0) {
      ++closed;
    } else if (svg.find("/>", at) > svg.find('>', at)) {
      ++opened;  // not self-closing
    }
  }
  EXPECT_EQ(opened, closed);
  EXPECT_EQ(round_up(7), 10);
  EXPECT_EQ(round_up(1200), 2000);
  EXPECT_EQ(round_up(0.3), 0.5);
}

TEST(Progress, SumsCountersAndMeasuresWithAFraction) {
  std::ostringstream out;
  Progress progress("t", 2, out);
  progress.update(0, {{"connected", 10}, {"tool_cpu_ms", 1234.4}, {"note", "x"}});
  progress.update(1, {{"connected", 5}, {"tool_cpu_ms", 0.3}});
  EXPECT_EQ(progress.total("connected"), 15u);
  EXPECT_EQ(progress.total("tool_cpu_ms"), 1235u);
  EXPECT_EQ(progress.total("note"), 0u);
}

}  // namespace
}  // namespace herald::bench
