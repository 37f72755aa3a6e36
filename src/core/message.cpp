#include "core/message.hpp"

#include "core/frames.hpp"

namespace herald {

EnvelopePtr make_envelope(Message msg) {
  auto frame = std::make_shared<const std::string>(encode_msg(msg));
  return std::make_shared<const Envelope>(Envelope{std::move(msg), std::move(frame)});
}

}  // namespace herald
