#pragma once

#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <vector>

#include "core/outlet.hpp"
#include "core/session.hpp"
#include "transport/held_polls.hpp"
#include "transport/http_router.hpp"
#include "transport/session_connection.hpp"
#include "transport/stream_request.hpp"
#include "transport/transport_context.hpp"

namespace herald {

// One request on `GET /poll`: a Session that lives as long as the request. It joins the rooms at
// the request's cursor and answers once every room is caught up: at once if that brought
// messages or other news (or if the request does not wait), else with the first news that comes
// or when the wait is over. The answer carries the messages and the cursor after them, so the
// next poll resumes exactly where this one ended, although nothing is kept between polls.
class PollSession final : public Outlet,
                          public SessionConnection,
                          public std::enable_shared_from_this<PollSession> {
 public:
  // `answer` writes the response on the request's connection; it is called once, on this loop.
  PollSession(TransportContext& context, const HttpRequest& request,
              std::unique_ptr<HeldPolls::Hold> hold, Respond answer);
  ~PollSession() override;

  void run(const PollRequest& poll);

  void send(Frame frame) override;
  std::size_t queued_bytes() const override { return bytes_; }
  // Answers at once with what has been gathered; the close is among the events.
  void close(CloseCode code, std::string_view reason) override;
  // The answer ends the session, so nothing waits for a flush: a replay that would go on after
  // this page is the next poll's business.
  void when_flushed(std::function<void()> /*next*/) override {}

  // The wait bounds a poll; there is nothing to keep alive.
  void keep_alive(std::chrono::steady_clock::time_point /*now*/) override {}
  void go_away(std::chrono::milliseconds reconnect) override { session_->go_away(reconnect); }
  bool held_request() const override { return true; }
  std::weak_ptr<SessionConnection> weak() override { return weak_from_this(); }

 private:
  void on_caught_up();
  void answer_soon();
  void answer();
  HttpResponse response() const;

  TransportContext& context_;
  HttpRequest request_;  // header only: the answer matches its version, keep-alive and ETag
  std::unique_ptr<HeldPolls::Hold> hold_;
  Respond answer_;
  Transport transport_ = Transport::longpoll;
  std::chrono::seconds wait_{0};
  std::shared_ptr<Session> session_;
  std::vector<Frame> messages_;
  std::vector<Frame> events_;  // every other frame but `welcome`
  std::size_t bytes_ = 0;
  std::size_t joins_pending_ = 0;
  bool news_ = false;  // anything but `joined`: worth answering for
  boost::asio::steady_timer timer_;
  bool answer_posted_ = false;
  bool answered_ = false;
};

}  // namespace herald
