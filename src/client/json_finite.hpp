#pragma once

#include <boost/json/value.hpp>

namespace herald::client {

// Whether every number in `value` is finite. Boost.JSON reads 1e1000 as infinity and writes it
// back as `Infinity`, which no JSON parser takes: a value with one cannot be sent or handed on.
bool finite_numbers(const boost::json::value& value);

}  // namespace herald::client
