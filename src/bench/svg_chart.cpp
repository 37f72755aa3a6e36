#include "bench/svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace herald::bench {
namespace {

constexpr double kWidth = 720;
constexpr double kHeight = 400;
constexpr double kLeft = 80;  // room for the y tick labels
constexpr double kRight = 20;
constexpr double kTop = 40;
constexpr double kBottom = 50;
constexpr int kTicks = 5;

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct Range {
  double low = 0;
  double high = 1;
};

Range data_range(const Chart& chart, double Point::*axis) {
  Range range{0, 0};
  for (const Series& series : chart.series) {
    for (const Point& point : series.points) {
      range.low = std::min(range.low, point.*axis);
      range.high = std::max(range.high, point.*axis);
    }
  }
  range.high = round_up(range.high);
  if (range.low < 0) range.low = -round_up(-range.low);
  return range;
}

// Maps data coordinates to the plot area (SVG y grows downwards).
struct Frame {
  Range x;
  Range y;
  double px(double value) const {
    return kLeft + (value - x.low) / (x.high - x.low) * (kWidth - kLeft - kRight);
  }
  double py(double value) const {
    return kHeight - kBottom - (value - y.low) / (y.high - y.low) * (kHeight - kTop - kBottom);
  }
};

std::string axes(const Chart& chart, const Frame& f) {
  std::string out =
      fmt::format(R"(<path d="M{:.1f},{:.1f}V{:.1f}H{:.1f}" fill="none" stroke="#333"/>)"
                  "\n",
                  kLeft, kTop, kHeight - kBottom, kWidth - kRight);
  for (int i = 0; i <= kTicks; ++i) {
    const double x = f.x.low + (f.x.high - f.x.low) * i / kTicks;
    const double y = f.y.low + (f.y.high - f.y.low) * i / kTicks;
    out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{:g}</text>)"
                       "\n",
                       f.px(x), kHeight - kBottom + 18, x);
    out += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="end">{:g}</text>)"
                       "\n"
                       R"(<path d="M{:.1f},{:.1f}H{:.1f}" stroke="#ddd"/>)"
                       "\n",
                       kLeft - 6, f.py(y) + 4, y, kLeft, f.py(y), kWidth - kRight);
  }
  out += fmt::format(
      R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>)"
      "\n"
      R"svg(<text transform="translate(16,{:.1f}) rotate(-90)" text-anchor="middle">{}</text>)svg"
      "\n",
      (kLeft + kWidth - kRight) / 2, kHeight - 12, escape(chart.x_label),
      (kTop + kHeight - kBottom) / 2, escape(chart.y_label));
  return out;
}

std::string polyline(const Series& series, const Frame& f) {
  std::string points;
  for (const auto& [x, y] : series.points)
    points += fmt::format("{:.1f},{:.1f} ", f.px(x), f.py(y));
  return fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="1.5" points="{}"/>)"
                     "\n",
                     escape(series.color), points);
}

std::string legend(const Chart& chart) {
  std::string out;
  double y = kTop + 10;
  for (const Series& series : chart.series) {
    out += fmt::format(R"(<path d="M{:.1f},{:.1f}h20" stroke="{}" stroke-width="3"/>)"
                       R"(<text x="{:.1f}" y="{:.1f}">{}</text>)"
                       "\n",
                       kWidth - kRight - 170, y, escape(series.color), kWidth - kRight - 144, y + 4,
                       escape(series.name));
    y += 18;
  }
  return out;
}

}  // namespace

double round_up(double value) {
  if (value <= 0) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(value)));
  for (const double step : {1.0, 2.0, 5.0, 10.0}) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

std::vector<Point> step_points(const std::vector<std::size_t>& counts, double bin_width,
                               double x0) {
  std::vector<Point> points;
  points.reserve(2 * counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double left = x0 + bin_width * static_cast<double>(i);
    const auto height = static_cast<double>(counts[i]);
    points.emplace_back(left, height);
    points.emplace_back(left + bin_width, height);
  }
  return points;
}

std::string render_svg(const Chart& chart) {
  const Frame frame{data_range(chart, &Point::first), data_range(chart, &Point::second)};
  std::string out = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
      R"(font-family="sans-serif" font-size="12">)"
      "\n"
      R"(<rect width="100%" height="100%" fill="white"/>)"
      "\n"
      R"(<text x="{2:.1f}" y="22" text-anchor="middle" font-size="15">{3}</text>)"
      "\n",
      kWidth, kHeight, kWidth / 2, escape(chart.title));
  out += axes(chart, frame);
  for (const Series& series : chart.series)
    out += polyline(series, frame);
  out += legend(chart);
  out += "</svg>\n";
  return out;
}

}  // namespace herald::bench
