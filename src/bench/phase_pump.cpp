#include "bench/phase_pump.hpp"

#include <iostream>
#include <stdexcept>

namespace herald::bench {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool pump(WorkerPool& pool, Progress& progress, milliseconds limit, const MessageHandler& handle,
          const std::function<bool()>& done) {
  const auto deadline = Clock::now() + limit;
  while (!done() && !pool.all_done() && Clock::now() < deadline) {
    for (const WorkerMessage& message : pool.poll(milliseconds(100)))
      handle(message);
    progress.print_if_due();
  }
  progress.print();
  return done();
}

void finish_workers(WorkerPool& pool, Progress& progress, const MessageHandler& handle,
                    const std::function<bool()>& all_results, const std::string& label,
                    milliseconds grace) {
  pool.finish();
  pump(pool, progress, grace, handle, all_results);
  if (const std::size_t killed = pool.reap(grace); killed > 0) {
    std::cerr << "[" << label << "] " << killed << " worker(s) killed\n";
  }
  if (!all_results()) throw std::runtime_error(label + ": a worker ended without a result");
}

}  // namespace herald::bench
