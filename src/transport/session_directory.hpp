#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/session.hpp"

namespace herald {

// The sessions a client reaches by id from another connection: an SSE client speaks through
// POST /send, which may land on any event loop. One per edge, shared by the loops; a session is
// only ever touched on its own loop, through `executor`.
class SessionDirectory {
 public:
  struct Entry {
    boost::asio::any_io_executor executor;
    std::weak_ptr<Session> session;
  };

  void add(const std::string& id, Entry entry);
  void remove(const std::string& id);
  std::optional<Entry> find(std::string_view id) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace herald
