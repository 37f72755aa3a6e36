#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace herald::bench {

// What one session knows of its room's members, built the way docs/protocol.md tells a client
// to: the list it asked for, then every diff; in a room too big for lists, only the last count.
class PresenceView {
 public:
  enum class Kind { list, diff, count, malformed };
  struct Applied {
    Kind kind = Kind::malformed;
    std::size_t joins = 0;  // users a diff announced as joining
    std::size_t leaves = 0;
  };

  // One `presence` frame's JSON text.
  Applied apply(std::string_view frame);
  // The members known, or the last count.
  std::size_t size() const { return counts_only_ ? count_ : members_.size(); }

 private:
  void add(std::string_view user);
  void remove(std::string_view user);

  std::vector<std::string> members_;  // sorted
  std::size_t count_ = 0;
  bool counts_only_ = false;
};

}  // namespace herald::bench
