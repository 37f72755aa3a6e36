#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace herald {

// Position of a message in its room: gapless and strictly increasing from 1.
using Seq = std::uint64_t;

// A durable message as the store keeps it.
struct Message {
  std::string room;
  Seq seq = 0;
  std::string id;          // client message id (idempotency key); empty when none was given
  std::string data;        // the payload, as serialised JSON text
  std::int64_t ts_ms = 0;  // commit time, Unix milliseconds
};

// An encoded frame, shared read-only by every recipient.
using Frame = std::shared_ptr<const std::string>;

// A committed message travelling to subscribers, with its `msg` frame encoded once; or an
// ephemeral event (typing, presence, status): seq 0, never stored, cached or replayed, and kept
// out of the ordering of the room's messages.
struct Envelope {
  Message msg;
  Frame frame;
  std::string origin;  // of an ephemeral event: the session that caused it, which is not sent it

  bool ephemeral() const { return msg.seq == 0; }
};
using EnvelopePtr = std::shared_ptr<const Envelope>;

EnvelopePtr make_envelope(Message msg);
EnvelopePtr make_ephemeral(std::string room, std::string frame, std::string origin = {});

}  // namespace herald
