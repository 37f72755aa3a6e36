#include "core/thread_priority.hpp"

#include <pthread.h>
#include <sched.h>

namespace herald {

void run_this_thread_when_idle() {
  const sched_param none{};  // SCHED_IDLE takes no priority
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &none);
}

}  // namespace herald
