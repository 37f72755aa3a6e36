#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "server/fleet_plan.hpp"

namespace herald {

// 1234567 as "1,234,567": counts in the millions are misread without the separators.
std::string with_thousands(std::int64_t value);

// The plan as `herald plan` prints it: one line a figure, each giving its formula and then the
// numbers in it, so that every step can be checked by hand.
std::string plan_text(const FleetPlan& plan);

// The same inputs and figures for scripts, sizes in bytes.
boost::json::object plan_json(const FleetPlan& plan);

}  // namespace herald
