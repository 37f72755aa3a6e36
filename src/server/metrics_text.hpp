#pragma once

#include <string>

#include "core/metrics.hpp"

namespace herald {

// The Prometheus text exposition (format 0.0.4) of every instrument.
std::string render_metrics(const Metrics& metrics);

}  // namespace herald
