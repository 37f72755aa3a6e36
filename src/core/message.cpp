#include "core/message.hpp"

#include "core/frames.hpp"

namespace herald {

EnvelopePtr make_envelope(Message msg) {
  auto frame = std::make_shared<const std::string>(encode_msg(msg));
  return std::make_shared<const Envelope>(Envelope{std::move(msg), std::move(frame), {}});
}

EnvelopePtr make_ephemeral(std::string room, std::string frame, std::string origin) {
  Message msg;
  msg.room = std::move(room);
  return std::make_shared<const Envelope>(Envelope{
      std::move(msg), std::make_shared<const std::string>(std::move(frame)), std::move(origin)});
}

}  // namespace herald
