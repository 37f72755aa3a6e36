#include "transport/session_directory.hpp"

namespace herald {

void SessionDirectory::add(const std::string& id, Entry entry) {
  const std::lock_guard lock(mutex_);
  entries_.insert_or_assign(id, std::move(entry));
}

void SessionDirectory::remove(const std::string& id) {
  const std::lock_guard lock(mutex_);
  entries_.erase(id);
}

std::optional<SessionDirectory::Entry> SessionDirectory::find(std::string_view id) const {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(std::string(id));
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

}  // namespace herald
