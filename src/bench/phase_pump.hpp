#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "bench/progress.hpp"
#include "bench/worker_pool.hpp"

namespace herald::bench {

using MessageHandler = std::function<void(const WorkerMessage&)>;

// Hands worker messages to `handle` until `done()`, every worker has gone, or `limit`; prints
// progress meanwhile. Returns done().
bool pump(WorkerPool& pool, Progress& progress, std::chrono::milliseconds limit,
          const MessageHandler& handle, const std::function<bool()>& done);

// The end of a phase: asks every worker to finish, hands their last messages to `handle` for up
// to `grace`, and reaps them. Throws std::runtime_error, naming `label`, unless `all_results()`.
void finish_workers(WorkerPool& pool, Progress& progress, const MessageHandler& handle,
                    const std::function<bool()>& all_results, const std::string& label,
                    std::chrono::milliseconds grace);

}  // namespace herald::bench
