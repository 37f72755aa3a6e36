#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bus/bus.hpp"
#include "core/metrics.hpp"

namespace herald {

// One room membership of a session, as the hub sees it.
class HubMember {
 public:
  virtual ~HubMember() = default;
  // Called on the hub's executor. Must not join or leave synchronously.
  virtual void deliver(const EnvelopePtr& envelope) = 0;
};

// The rooms of one event loop and their local members. Single-threaded: every call but
// on_envelope happens on the hub's executor, so the delivery path takes no lock.
class Hub final : public BusSubscriber {
 public:
  Hub(boost::asio::any_io_executor executor, Bus& bus, Metrics& metrics)
      : executor_(std::move(executor)), bus_(bus), metrics_(metrics) {}
  ~Hub() override;
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // `ready` runs on the hub's executor once every envelope published from then on reaches
  // `member`; a member must not read history for the room before that.
  void join(const std::string& room, HubMember* member, std::function<void()> ready);
  void leave(const std::string& room, HubMember* member);

  void on_envelope(EnvelopePtr envelope) override;

  std::size_t room_count() const { return rooms_.size(); }

 private:
  struct Room {
    std::vector<HubMember*> members;
    Seq last_seq = 0;              // newest seq fanned out; 0 before the first
    std::uint64_t generation = 0;  // tells this room from an earlier one of the same name
    bool subscribed = false;
    std::vector<std::function<void()>> waiting;  // ready callbacks until subscribed
  };

  void on_subscribed(const std::string& room, std::uint64_t generation);
  void fan_out(const EnvelopePtr& envelope);

  boost::asio::any_io_executor executor_;
  Bus& bus_;
  Metrics& metrics_;
  std::unordered_map<std::string, Room> rooms_;
  std::uint64_t generations_ = 0;
};

}  // namespace herald
