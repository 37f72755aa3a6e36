#pragma once

#include <boost/json/value.hpp>

namespace herald {

// Whether every number in `value` is finite. Boost.JSON reads 1e1000 as infinity, and what it
// writes back for it no longer says the same number to every parser: the edge refuses such a
// payload rather than store it, and the client drops a frame with one.
bool finite_numbers(const boost::json::value& value);

}  // namespace herald
