#include "bench/presence_worker.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <memory>
#include <string_view>

#include "bench/event_timeline.hpp"
#include "bench/presence_rooms.hpp"
#include "bench/presence_view.hpp"
#include "bench/ramp.hpp"
#include "bench/worker_loop.hpp"
#include "bench/worker_share.hpp"
#include "client/client.hpp"

namespace herald::bench {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::milliseconds;

struct Session {
  std::unique_ptr<client::Client> client;
  std::string room;
  std::size_t room_size = 0;  // all workers' sessions in it
  PresenceView view;
  std::uint64_t frames = 0;  // presence frames other than list answers
  bool joined = false;
  bool listed = false;
};

class PresenceWorker {
 public:
  PresenceWorker(asio::io_context& io, const PresenceWorkerOptions& options)
      : io_(io),
        options_(options),
        sizes_(room_sizes(options.total_sessions, options.rooms)),
        loop_(io, milliseconds(options.deadline_ms)),
        ramp_(io, options.sessions, options.join_rate, [this](std::size_t i) { open(i); }) {
    sessions_.resize(options.sessions);
  }

  void run() {
    ramp_.start();
    loop_.run([this] { return progress(); }, [this] { return result(); });
  }

 private:
  void open(std::size_t index) {
    const std::size_t number = options_.first_session + index;
    Session& session = sessions_[index];
    session.room = presence_room(number, options_.rooms);
    session.room_size = sizes_[number % options_.rooms];
    session.client = std::make_unique<client::Client>(
        io_, client::ClientOptions{.url = options_.url,
                                   .name = "herald-bench/1",
                                   .user = presence_user(number),
                                   .local_address = source_for(options_.sources, index),
                                   .transports = {client::Transport::websocket}});
    client::Client& client = *session.client;
    client.on_joined(
        [this, &session](std::string_view room, Seq, bool, Seq) { on_joined(session, room); });
    client.on_other_frame([this, &session](std::string_view op, std::string_view frame) {
      if (op == "presence") on_presence(session, frame);
    });
    client.on_state([this](client::State state, std::string_view reason) {
      if (state == client::State::disconnected && reason != "stopped") ++disconnects_;
    });
    client.join(session.room);
    client.start();
  }

  void on_joined(Session& session, std::string_view room) {
    // Each joined needs its own list: the diffs before it never reached this session.
    session.client->query_presence(room);
    if (session.joined) return;
    session.joined = true;
    ++joined_;
    joins_.add(steady_ms());
  }

  void on_presence(Session& session, std::string_view frame) {
    const PresenceView::Applied applied = session.view.apply(frame);
    if (applied.kind == PresenceView::Kind::list) {
      ++lists_;
      if (!session.listed) ++listed_;
      session.listed = true;
      return;
    }
    ++session.frames;
    ++frames_;
    count_frames_ += applied.kind == PresenceView::Kind::count ? 1 : 0;
    joins_announced_ += applied.joins;
    leaves_announced_ += applied.leaves;
    frame_times_.add(steady_ms());
  }

  // Sessions whose view holds exactly the members (or count) of their room.
  std::size_t complete() const {
    std::size_t out = 0;
    for (const Session& session : sessions_)
      out += session.client && session.view.size() == session.room_size ? 1 : 0;
    return out;
  }

  json::object progress() const {
    return {{"opened", ramp_.opened()},
            {"joined", joined_},
            {"listed", listed_},
            {"presence_frames", frames_},
            {"joins_announced", joins_announced_},
            {"disconnects", disconnects_}};
  }

  json::object result() const {
    json::array per_session;
    for (const Session& session : sessions_)
      per_session.emplace_back(session.frames);
    return {{"sessions", sessions_.size()},
            {"joined", joined_},
            {"listed", listed_},
            {"complete", complete()},
            {"frames", frames_},
            {"count_frames", count_frames_},
            {"list_frames", lists_},
            {"joins_announced", joins_announced_},
            {"leaves_announced", leaves_announced_},
            {"disconnects", disconnects_},
            {"frames_per_session", std::move(per_session)},
            {"joins", joins_.to_json()},
            {"frame_times", frame_times_.to_json()}};
  }

  asio::io_context& io_;
  const PresenceWorkerOptions& options_;
  std::vector<std::size_t> sizes_;  // members per room, all workers' sessions together
  WorkerLoop loop_;
  Ramp ramp_;
  std::vector<Session> sessions_;
  std::size_t joined_ = 0;  // sessions joined at least once
  std::size_t listed_ = 0;  // sessions that got a list at least once
  std::uint64_t lists_ = 0;
  std::uint64_t frames_ = 0;
  std::uint64_t count_frames_ = 0;
  std::uint64_t joins_announced_ = 0;
  std::uint64_t leaves_announced_ = 0;
  std::uint64_t disconnects_ = 0;
  EventTimeline joins_;        // first joined of each session
  EventTimeline frame_times_;  // presence frames other than list answers
};

}  // namespace

void run_presence_worker(const PresenceWorkerOptions& options) {
  asio::io_context io(1);
  PresenceWorker worker(io, options);
  worker.run();
}

}  // namespace herald::bench
