#pragma once

#include <optional>
#include <string>
#include <vector>

#include "client/http_channel.hpp"
#include "client/link.hpp"

namespace herald::client {

// The way up for the HTTP transports: POST /send. Frames sent while a POST is in flight go
// together in the next one (one per line), so a burst of publishes costs few requests. The
// answer's frames (acks, errors) go to the link's owner like any other frame; a POST that fails
// fails the link, which the Client then replaces, resending what was not acked.
class Upstream {
 public:
  Upstream(boost::asio::io_context& io, const LinkSettings& settings, Link& link);

  // The stream's session (SSE), or "" for a polling client, whose frames each run in a session
  // that lasts for the request. Frames wait until it is known.
  void set_session(std::string session);
  void send(std::string frame);
  void close() { channel_.close(); }

 private:
  void post_next();
  void on_answer(HttpChannel::Response& response);

  const LinkSettings& settings_;
  Link& link_;
  HttpChannel channel_;
  std::optional<std::string> session_;
  std::vector<std::string> queued_;
  bool posting_ = false;
};

}  // namespace herald::client
