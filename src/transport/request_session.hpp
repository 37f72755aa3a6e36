#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/replies.hpp"
#include "core/session.hpp"

namespace herald {

// Hands each line of a POST /send body to `session` as a frame; the answers go to `replies`.
void feed_lines(Session& session, std::string_view body, const std::shared_ptr<Replies>& replies);

// Runs the frames of a POST /send that names no session in a session of their own, on this
// loop, which ends once every frame is answered: how a client without a stream (a poller)
// publishes. `done` gets the answers (acks, errors); nothing else the session says goes anywhere.
void run_request_session(const SessionServices& services, std::string_view body,
                         Replies::Done done);

}  // namespace herald
