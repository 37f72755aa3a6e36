#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

#include "core/message.hpp"

namespace herald {

struct AppendRequest {
  std::string room;
  std::string id;    // idempotency key within the room; empty = none
  std::string data;  // serialised JSON
};

struct AppendResult {
  Message message;         // as stored (the original one when `duplicate`)
  bool duplicate = false;  // the id was already stored: nothing new was written
};

// A consistent snapshot of one room.
struct StoredRange {
  std::vector<Message> messages;  // seq > after, ascending, at most `limit`
  Seq head = 0;                   // newest seq ever assigned in the room (0: none)
  Seq first_retained = 1;         // oldest seq still stored; head + 1 when none is
};

// Durable, ordered message storage. Implementations assign seq in the same transaction as
// the insert and call handlers only after the commit, in seq order per room, from one of
// their own threads (never from the caller's stack).
class MessageStore {
 public:
  using AppendHandler = std::function<void(std::error_code, AppendResult)>;
  using BatchHandler = std::function<void(std::error_code, std::vector<AppendResult>)>;
  using ReadHandler = std::function<void(std::error_code, StoredRange)>;

  virtual ~MessageStore() = default;

  // Appends `requests` in their order. `done` runs once, when all of them are committed, with
  // their results in the same order; or with an error and no results, when they are not.
  virtual void append_batch(std::vector<AppendRequest> requests, BatchHandler done) = 0;
  virtual void read(std::string room, Seq after, std::size_t limit, ReadHandler done) = 0;

  // A batch of one.
  void append(AppendRequest request, AppendHandler done) {
    std::vector<AppendRequest> one;
    one.push_back(std::move(request));
    append_batch(std::move(one),
                 [done = std::move(done)](std::error_code ec, std::vector<AppendResult> results) {
                   done(ec, results.empty() ? AppendResult{} : std::move(results.front()));
                 });
  }
};

}  // namespace herald
