#pragma once
// Well-behaved clients for the integration tests, built on herald::client::Client: a subscriber
// that checks what it is given, and a publisher that remembers what was acked for each seq.
// Header-only; run them on one io_context thread (see run_until).

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "client/client.hpp"
#include "itest_support.hpp"

namespace herald::test {

// A Client member of `rooms` whose every `joined` and `msg` goes through a DeliveryLog.
// With `guard`, its handlers lock it (for a test that runs the io_context on another thread).
// It uses WebSocket alone unless given `transports`.
class Subscriber {
 public:
  Subscriber(boost::asio::io_context& io, const std::string& url,
             const std::vector<std::string>& rooms, std::optional<Seq> since = std::nullopt,
             std::mutex* guard = nullptr,
             std::vector<client::Transport> transports = {client::Transport::websocket})
      : client_(io,
                {.url = url, .name = "itest-subscriber/1", .transports = std::move(transports)}),
        guard_(guard) {
    client_.on_joined([this](std::string_view room, Seq, bool recovered, Seq from) {
      auto lock = locked();
      ++joins;
      log.joined(room, static_cast<std::int64_t>(from), recovered);
    });
    client_.on_message([this](std::string_view, Seq, std::string_view frame) {
      auto lock = locked();
      log.msg(frame);
    });
    client_.on_state([this](client::State state, std::string_view reason) {
      auto lock = locked();
      if (state == client::State::disconnected && reason != "stopped") {
        disconnects.emplace_back(reason);
        disconnect_times.push_back(std::chrono::steady_clock::now());
      }
    });
    client_.on_error([this](const client::ServerError& error) {
      auto lock = locked();
      log.problem("error frame: " + std::string(error.frame));
    });
    for (const std::string& room : rooms)
      client_.join(room, since);
    client_.start();
  }
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  void stop() { client_.stop(); }
  bool connected() const { return client_.connected(); }
  client::Transport transport() const { return client_.transport(); }

  // For failure messages: where this subscriber stands.
  std::string describe() const {
    std::string text = std::to_string(log.total()) + " delivered, " + std::to_string(joins) +
                       " joined, " + (connected() ? "connected" : "not connected") + " over " +
                       std::string(client::to_string(transport()));
    if (!disconnects.empty()) {
      text += ", " + std::to_string(disconnects.size()) +
              " disconnects, the last: " + disconnects.back();
    }
    return text;
  }

  DeliveryLog log;
  int joins = 0;                         // every `joined`, re-joins included
  std::vector<std::string> disconnects;  // why, each time the connection was lost
  std::vector<std::chrono::steady_clock::time_point> disconnect_times;  // when, for each

 private:
  std::unique_lock<std::mutex> locked() {
    return guard_ ? std::unique_lock(*guard_) : std::unique_lock<std::mutex>();
  }

  client::Client client_;
  std::mutex* guard_;
};

inline std::string describe(const std::vector<std::unique_ptr<Subscriber>>& subscribers) {
  std::string text;
  for (std::size_t i = 0; i < subscribers.size(); ++i)
    text += "\n  #" + std::to_string(i) + ": " + subscribers[i]->describe();
  return text;
}

// Publishes `total` messages round-robin over `rooms` through a Client, keeping at most
// `in_flight` unacked (with `bursts`, the next batch goes out only once all are acked). Message k
// carries its room-local counter. Remembers, per room and seq, the digest of what was acked.
class TrackedPublisher {
 public:
  TrackedPublisher(boost::asio::io_context& io, const std::string& url,
                   std::vector<std::string> rooms, int total, int in_flight, bool bursts = false)
      : client_(io, {.url = url,
                     .name = "itest-publisher/1",
                     .transports = {client::Transport::websocket}}),
        rooms_(std::move(rooms)),
        total_(total),
        in_flight_(in_flight),
        bursts_(bursts) {}

  void start() {
    client_.start();
    top_up();
  }
  void stop() { client_.stop(); }

  int published() const { return published_; }
  int acked() const { return acked_; }
  int duplicates() const { return duplicates_; }  // acks with duplicate:true (resends)
  bool done() const { return acked_ == total_; }
  bool connected() const { return client_.connected(); }
  const DeliveryLog& problems() const { return problems_; }

  // What was acked in `room`: element seq - 1 is the digest of that seq's id and data (0 where
  // nothing was acked for a seq).
  const std::vector<std::uint64_t>& expected(const std::string& room) {
    return acked_by_seq_[room];
  }

  // Every publish acked, each id once, and in every room the acked seqs are exactly 1..n.
  ::testing::AssertionResult all_acked_without_gaps() {
    if (!problems_.problems().empty()) {
      return ::testing::AssertionFailure() << "publish problems:" << problems_.problems_text();
    }
    if (acked_ != total_) {
      return ::testing::AssertionFailure() << acked_ << " of " << total_ << " publishes acked";
    }
    for (const std::string& room : rooms_) {
      const auto& seqs = acked_by_seq_[room];
      for (std::size_t i = 0; i < seqs.size(); ++i) {
        if (seqs[i] == 0) {
          return ::testing::AssertionFailure() << room << ": no ack for seq " << i + 1 << " of "
                                               << seqs.size() << " (a message stored twice?)";
        }
      }
    }
    return ::testing::AssertionSuccess();
  }

 private:
  void top_up() {
    if (bursts_ && published_ != acked_) return;
    while (published_ < total_ && published_ - acked_ < in_flight_)
      publish_one();
  }

  void publish_one() {
    const int k = published_++;
    const int index = k % static_cast<int>(rooms_.size());
    const std::string room = rooms_[static_cast<std::size_t>(index)];
    const int n = k / static_cast<int>(rooms_.size()) + 1;
    const std::string id = "m-" + std::to_string(k);
    const json::value data = {{"n", n}};  // small: 500,000 deliveries under ASan add up
    const std::uint64_t expected = digest(id, data);
    client_.publish(room, json::serialize(data), id,
                    [this, room, expected](const client::PublishResult& result) {
                      ++acked_;
                      on_ack(room, expected, result);
                      top_up();
                    });
  }

  void on_ack(const std::string& room, std::uint64_t expected,
              const client::PublishResult& result) {
    if (!result.ok()) {
      return problems_.problem("publish " + std::string(result.id) + " failed: " +
                               std::string(result.error) + " " + std::string(result.frame));
    }
    if (result.duplicate) ++duplicates_;
    auto& seqs = acked_by_seq_[room];
    if (result.seq < 1) return problems_.problem("ack without seq: " + std::string(result.frame));
    if (seqs.size() < result.seq) seqs.resize(result.seq, 0);
    if (std::exchange(seqs[result.seq - 1], expected) != 0) {
      problems_.problem("two ids acked with one seq: " + std::string(result.frame));
    }
  }

  client::Client client_;
  std::vector<std::string> rooms_;
  int total_;
  int in_flight_;
  bool bursts_;
  int published_ = 0;
  int acked_ = 0;
  int duplicates_ = 0;
  std::map<std::string, std::vector<std::uint64_t>> acked_by_seq_;
  DeliveryLog problems_;  // only its problem list is used
};

// Runs `io` until the publisher is done and every subscriber holds `per_subscriber` messages, or
// until nothing moved for the deadline; says what was missing then.
inline ::testing::AssertionResult deliver_everything(
    boost::asio::io_context& io, const TrackedPublisher& publisher,
    const std::vector<std::unique_ptr<Subscriber>>& subscribers, std::size_t per_subscriber) {
  const auto delivered = [&] {
    std::size_t total = 0;
    for (const auto& s : subscribers)
      total += s->log.total();
    return total;
  };
  const std::size_t expected = per_subscriber * subscribers.size();
  const bool done = run_while_progressing(
      io, [&] { return publisher.done() && delivered() == expected; },
      [&] { return delivered() + static_cast<std::size_t>(publisher.acked()); });
  if (done) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "delivery stalled for 60 s: " << publisher.acked() << " acked, " << delivered()
         << " of " << expected << " messages delivered; publisher "
         << (publisher.connected() ? "connected" : "not connected")
         << "; subscribers: " << describe(subscribers);
}

// The retained history of `room` through the server API matches `expected` (element seq - 1 is
// the digest of that seq's id and data): seqs 1..head without gap, each id once.
inline ::testing::AssertionResult history_matches(Api& api, const std::string& room,
                                                  const std::vector<std::uint64_t>& expected) {
  const Api::History history = api.history(room);
  if (history.head != static_cast<std::int64_t>(expected.size()) || history.first != 1) {
    return ::testing::AssertionFailure()
           << room << ": history has first " << history.first << ", head " << history.head
           << "; expected 1.." << expected.size();
  }
  std::map<std::string, std::int64_t> ids;
  std::int64_t seq = 0;
  for (const json::object& message : history.messages) {
    ++seq;
    if (num(message, "seq") != seq) {
      return ::testing::AssertionFailure()
             << room << ": history seq " << num(message, "seq") << " where " << seq << " was due";
    }
    const std::string id = str(message, "id");
    if (const auto [it, fresh] = ids.emplace(id, seq); !fresh) {
      return ::testing::AssertionFailure()
             << room << ": id " << id << " stored twice, as seq " << it->second << " and " << seq;
    }
    if (digest(id, message.at("data")) != expected[static_cast<std::size_t>(seq - 1)]) {
      return ::testing::AssertionFailure()
             << room << ": seq " << seq << " (id " << id << ") is not what was acked for it";
    }
  }
  if (seq != history.head) {
    return ::testing::AssertionFailure()
           << room << ": history lists " << seq << " messages, head is " << history.head;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace herald::test
