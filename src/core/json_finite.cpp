#include "core/json_finite.hpp"

#include <algorithm>
#include <cmath>

namespace herald {

bool finite_numbers(const boost::json::value& value) {
  if (const double* number = value.if_double()) return std::isfinite(*number);
  if (const auto* array = value.if_array()) {
    return std::all_of(array->begin(), array->end(),
                       [](const boost::json::value& item) { return finite_numbers(item); });
  }
  if (const auto* object = value.if_object()) {
    return std::all_of(object->begin(), object->end(),
                       [](const auto& member) { return finite_numbers(member.value()); });
  }
  return true;
}

}  // namespace herald
