#include "core/thread_name.hpp"

#include <pthread.h>

#include <string>

namespace herald {

void name_this_thread(std::string_view name) {
  constexpr std::size_t kMaxName = 15;
  const std::string text(name.substr(0, kMaxName));
  pthread_setname_np(pthread_self(), text.c_str());
}

}  // namespace herald
