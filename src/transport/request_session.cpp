#include "transport/request_session.hpp"

#include "core/outlet.hpp"

namespace herald {

namespace {

// Where a request's session sends what is not an answer (its welcome): nowhere. Stateless, so
// one serves every such session on every loop.
class NoOutlet final : public Outlet {
 public:
  void send(Frame /*frame*/) override {}
  std::size_t queued_bytes() const override { return 0; }
  void close(CloseCode /*code*/, std::string_view /*reason*/) override {}
  // Nobody reads on, so a replay has no reason to go on.
  void when_flushed(std::function<void()> /*next*/) override {}
};

NoOutlet& no_outlet() {
  static NoOutlet outlet;
  return outlet;
}

}  // namespace

void feed_lines(Session& session, std::string_view body, const std::shared_ptr<Replies>& replies) {
  while (!body.empty()) {
    const std::size_t newline = body.find('\n');
    const std::string_view line = body.substr(0, newline);
    if (!line.empty()) session.on_frame(line, replies);
    body = newline == std::string_view::npos ? std::string_view{} : body.substr(newline + 1);
  }
}

void run_request_session(const SessionServices& services, std::string_view body,
                         Replies::Done done) {
  auto session = std::make_shared<Session>(services, no_outlet());
  session->on_frame(R"({"op":"hello","client":"send"})");
  // The answers hold the session: a publish answers once it is stored, after this returns.
  auto replies = std::make_shared<Replies>(
      [session, done = std::move(done)](std::vector<Frame> frames) mutable {
        session->stop();
        done(std::move(frames));
      });
  feed_lines(*session, body, replies);
}

}  // namespace herald
