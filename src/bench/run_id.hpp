#pragma once

#include <string>

namespace herald::bench {

// A name no earlier run used ("b" and digits from the time and the process id): a run's rooms
// start with it, so a server that outlives runs (Nchan keeps messages) starts each one empty.
std::string new_run_id();

}  // namespace herald::bench
