#pragma once

namespace herald {

// Gives the calling thread Linux's SCHED_IDLE policy: it runs on what the other threads leave
// of a CPU, and any of them waking takes the CPU from it at once. For housekeeping that may
// wait (a WAL checkpoint), so that it never sits between a connection and its answer when
// threads share a core. Best effort: if the policy is refused, the thread keeps its own.
void run_this_thread_when_idle();

}  // namespace herald
