#include "bench/run_id.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

namespace herald::bench {

std::string new_run_id() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return fmt::format("b{}p{}", std::chrono::duration_cast<std::chrono::milliseconds>(now).count(),
                     ::getpid());
}

}  // namespace herald::bench
