#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace herald::bench {

using Point = std::pair<double, double>;  // x, y in data units

struct Series {
  std::string name;   // in the legend
  std::string color;  // any SVG colour
  std::vector<Point> points;
};

// A line chart: every series drawn as a polyline over shared axes that start at 0 (x may start
// below, for a timeline with a little lead-in) and end at a round number above the data.
struct Chart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
};

// A standalone SVG document, small enough to commit and read in a diff.
std::string render_svg(const Chart& chart);

// Points that draw `counts` (bins of `bin_width` from `x0`) as a histogram outline.
std::vector<Point> step_points(const std::vector<std::size_t>& counts, double bin_width,
                               double x0 = 0);

// The smallest of 1, 2 or 5 times a power of ten that is at least `value` (a round axis end).
double round_up(double value);

}  // namespace herald::bench
