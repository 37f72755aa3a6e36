#pragma once

#include <optional>
#include <string_view>

namespace herald::bench {

// The value of the unlabelled sample `name` in a Prometheus text exposition (what /metrics
// serves); nothing when it is not there.
std::optional<double> metric_value(std::string_view text, std::string_view name);

}  // namespace herald::bench
