#include "transport/fault_hooks.hpp"

#include <atomic>

#include "core/frames.hpp"

namespace herald {
namespace {

// Written once before the loops start (their threads see it), read by every loop after.
FaultSettings settings;

std::atomic<std::uint64_t> dropped{0};
std::atomic<std::uint64_t> duplicated{0};
std::atomic<std::uint64_t> closed{0};
std::atomic<bool> closed_one{false};  // close_after cuts off one connection per process

bool nth(std::uint64_t count, std::uint64_t every) {
  return every > 0 && count % every == 0;
}

void counter(std::string& out, std::string_view name, std::string_view help,
             const std::atomic<std::uint64_t>& value) {
  const std::string family(name);
  out += "# HELP " + family + " " + std::string(help) + "\n# TYPE " + family + " counter\n" +
         family + " " + std::to_string(value.load(std::memory_order_relaxed)) + "\n";
}

}  // namespace

void set_fault_settings(const FaultSettings& next) {
  settings = next;
}

void append_fault_metrics(std::string& out) {
  counter(out, "herald_fault_dropped_total", "Test build: msg frames not written on purpose.",
          dropped);
  counter(out, "herald_fault_duplicated_total", "Test build: msg frames written twice on purpose.",
          duplicated);
  counter(out, "herald_fault_closed_total", "Test build: sessions closed on purpose.", closed);
}

FaultVerdict WsFaults::on_send(std::string_view frame) {
  if (op_of(frame) != "msg") return {};
  ++msgs_;
  FaultVerdict verdict;
  // A frame due for both is dropped: there is nothing to write twice.
  if (nth(msgs_, settings.drop_every)) {
    verdict.drop = true;
    dropped.fetch_add(1, std::memory_order_relaxed);
  } else if (nth(msgs_, settings.duplicate_every)) {
    verdict.duplicate = true;
    duplicated.fetch_add(1, std::memory_order_relaxed);
  }
  // Only one, so that a test can tell it from the connections that stayed whole.
  if (settings.close_after > 0 && msgs_ == settings.close_after &&
      !closed_one.exchange(true, std::memory_order_relaxed)) {
    verdict.close = true;
    closed.fetch_add(1, std::memory_order_relaxed);
  }
  return verdict;
}

}  // namespace herald
