#include "server/event_loop.hpp"

#include <boost/asio/post.hpp>
#include <future>

#include "core/thread_name.hpp"

namespace herald {
namespace asio = boost::asio;

EventLoop::EventLoop(const Shared& shared, const asio::ip::tcp::endpoint& endpoint) {
  hub_.emplace(io_.get_executor(), shared.bus, shared.metrics);
  services_.emplace(SessionServices{io_.get_executor(), *hub_, shared.bus, shared.presence,
                                    shared.publisher, shared.history, shared.metrics,
                                    shared.limits});
  transport_.emplace(TransportContext{*services_,
                                      shared.router,
                                      shared.admission,
                                      shared.directory,
                                      shared.held_polls,
                                      shared.transports,
                                      {}});
  listener_ = std::make_shared<Listener>(io_, endpoint, *transport_);
  keepalive_.emplace(io_, *transport_);
  drain_.emplace(io_, *transport_);
}

EventLoop::~EventLoop() {
  stop();
}

void EventLoop::start() {
  listener_->start();
  keepalive_->start();
  thread_ = std::thread([this] {
    name_this_thread("herald-loop");
    io_.run();
  });
}

void EventLoop::drain(std::chrono::milliseconds window) {
  asio::post(io_, [this, window] { drain_->start(window); });
}

void EventLoop::close_sessions() {
  asio::post(io_, [this] {
    listener_->stop();
    keepalive_->stop();
    drain_->finish();
  });
}

std::size_t EventLoop::open_sessions() {
  std::promise<std::size_t> count;
  asio::post(io_, [&] { count.set_value(transport_->sessions.size()); });
  return count.get_future().get();
}

void EventLoop::stop() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace herald
