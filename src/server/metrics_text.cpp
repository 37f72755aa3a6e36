#include "server/metrics_text.hpp"

#include <fmt/format.h>

#include "transport/fault_hooks.hpp"

namespace herald {
namespace {

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <typename Instrument>
void single(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            const Instrument& instrument) {
  family(out, name, type, help);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, instrument.value());
}

// One series per value of an enum measured in `instruments`, labelled `label`.
template <typename Enum, typename Instrument, std::size_t N>
void labelled(std::string& out, std::string_view name, std::string_view type, std::string_view help,
              std::string_view label, const std::array<Instrument, N>& instruments) {
  family(out, name, type, help);
  for (std::size_t i = 0; i < N; ++i) {
    fmt::format_to(std::back_inserter(out), "{}{{{}=\"{}\"}} {}\n", name, label,
                   to_string(static_cast<Enum>(i)), instruments[i].value());
  }
}

void histogram(std::string& out, std::string_view name, std::string_view help,
               const Histogram& histogram) {
  family(out, name, "histogram", help);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < Histogram::kBounds.size(); ++i) {
    cumulative += histogram.bucket(i);
    fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"{}\"}} {}\n", name,
                   Histogram::kBounds[i], cumulative);
  }
  fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n",
                 name, histogram.count(), name, histogram.sum(), name, histogram.count());
}

}  // namespace

std::string render_metrics(const Metrics& m) {
  std::string out;
  single(out, "herald_connections", "gauge", "Open client TCP connections.", m.connections);
  single(out, "herald_sessions", "gauge", "Open protocol sessions.", m.sessions);
  labelled<Transport>(out, "herald_sessions_by_transport", "gauge",
                      "Open protocol sessions, by what carries them.", "transport",
                      m.sessions_by_transport);
  single(out, "herald_joins_total", "counter", "Room joins.", m.joins);
  single(out, "herald_leaves_total", "counter", "Room leaves.", m.leaves);
  single(out, "herald_messages_in_total", "counter", "Messages committed to the store.",
         m.messages_in);
  single(out, "herald_messages_out_total", "counter", "Messages queued to sessions.",
         m.messages_out);
  single(out, "herald_bytes_out_total", "counter", "Bytes written to WebSocket clients.",
         m.bytes_out);
  single(out, "herald_slow_consumer_closes_total", "counter",
         "Sessions closed because they fell too far behind.", m.slow_consumer_closes);
  single(out, "herald_dead_peers_total", "counter",
         "Connections closed because they stopped answering pings.", m.dead_peers);
  single(out, "herald_duplicates_dropped_total", "counter",
         "Envelopes a room had already fanned out.", m.duplicates_dropped);
  single(out, "herald_gaps_detected_total", "counter",
         "Envelopes that arrived after a gap, filled from history.", m.gaps_detected);
  single(out, "herald_store_errors_total", "counter", "Failed store transactions.", m.store_errors);
  single(out, "herald_http_requests_total", "counter", "HTTP requests served.", m.http_requests);
  single(out, "herald_presence_entries", "gauge", "Sessions present in rooms, one per room.",
         m.presence_entries);
  single(out, "herald_presence_diffs_total", "counter",
         "Presence changes published to rooms, one frame per room and window.", m.presence_diffs);
  single(out, "herald_status_changes_total", "counter",
         "Online/offline changes published to status:<user> rooms.", m.status_changes);
  single(out, "herald_typing_forwarded_total", "counter", "Typing notices forwarded to rooms.",
         m.typing_forwarded);
  single(out, "herald_typing_dropped_total", "counter",
         "Typing notices dropped by the per-room rate limit.", m.typing_dropped);
  labelled<ProtocolError>(out, "herald_protocol_errors_total", "counter",
                          "Client frames answered with an error frame or close code, by code.",
                          "code", m.protocol_errors);
  labelled<Refusal>(out, "herald_refused_total", "counter",
                    "Connections and requests answered 503 before being served, by reason.",
                    "reason", m.refusals);
  histogram(out, "herald_store_commit_seconds", "Store group-commit latency.",
            m.store_commit_seconds);
  histogram(out, "herald_store_checkpoint_seconds",
            "Background WAL checkpoints: pages copied into the database file and synced.",
            m.store_checkpoint_seconds);
  append_fault_metrics(out);  // test builds only
  return out;
}

}  // namespace herald
