#pragma once
// A Server-Sent Events client for the integration tests, as plain as a proxy or curl sees the
// stream: one GET, the raw response header, then the byte stream cut into events by the rules
// of the EventSource standard (fields `id`, `event`, `data`, `retry`; `:` comments). Runs on
// the caller's io_context. Header-only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "itest_support.hpp"

namespace herald::test {

struct SseEvent {
  std::string id;     // empty when the event had no id field
  std::string event;  // empty for unnamed events (`msg`)
  std::string data;
};

class SseReader : public std::enable_shared_from_this<SseReader> {
 public:
  // GET `target` with the extra `headers` (each "Name: value").
  static std::shared_ptr<SseReader> open(boost::asio::io_context& io, unsigned short port,
                                         std::string target,
                                         std::vector<std::string> headers = {}) {
    auto reader = std::shared_ptr<SseReader>(new SseReader(io));
    reader->start(port, std::move(target), std::move(headers));
    return reader;
  }

  void close() {
    boost::beast::error_code ignored;
    socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  std::string header;  // the response's status line and header fields
  std::vector<SseEvent> events;
  std::string retry;  // the last `retry` field
  int comments = 0;
  bool ended = false;   // the server ended the stream (or it failed)
  std::string last_id;  // what an EventSource would send as Last-Event-ID
  std::function<void(const SseEvent&)> on_event;

 private:
  explicit SseReader(boost::asio::io_context& io) : socket_(io) {}

  void start(unsigned short port, std::string target, std::vector<std::string> headers) {
    request_ = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    for (const std::string& header : headers)
      request_ += header + "\r\n";
    request_ += "\r\n";
    const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::address_v4::loopback(), port);
    socket_.async_connect(endpoint, [self = shared_from_this()](boost::beast::error_code ec) {
      if (ec) return self->end();
      boost::asio::async_write(self->socket_, boost::asio::buffer(self->request_),
                               [self](boost::beast::error_code ec, std::size_t) {
                                 if (ec) return self->end();
                                 self->read();
                               });
    });
  }

  void read() {
    socket_.async_read_some(
        boost::asio::buffer(chunk_),
        [self = shared_from_this()](boost::beast::error_code ec, std::size_t n) {
          if (ec) return self->end();
          self->pending_.append(self->chunk_.data(), n);
          self->parse();
          self->read();
        });
  }

  void end() { ended = true; }

  void parse() {
    if (header.empty()) {
      const std::size_t end = pending_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      header = pending_.substr(0, end);
      pending_.erase(0, end + 4);
    }
    for (std::size_t end; (end = pending_.find("\n\n")) != std::string::npos;) {
      const std::string block = pending_.substr(0, end);
      pending_.erase(0, end + 2);
      dispatch(block);
    }
  }

  void dispatch(const std::string& block) {
    SseEvent event;
    bool has_data = false;
    std::size_t start = 0;
    while (start <= block.size()) {
      std::size_t newline = block.find('\n', start);
      if (newline == std::string::npos) newline = block.size();
      const std::string line = block.substr(start, newline - start);
      start = newline + 1;
      if (line.empty()) continue;
      if (line.front() == ':') {
        ++comments;
        continue;
      }
      const std::size_t colon = line.find(':');
      const std::string field = line.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (field == "id") last_id = event.id = value;
      if (field == "event") event.event = value;
      if (field == "retry") retry = value;
      if (field == "data") {
        event.data += (has_data ? "\n" : "") + value;
        has_data = true;
      }
    }
    if (!has_data) return;  // a block without data dispatches nothing
    events.push_back(event);
    if (on_event) on_event(events.back());
  }

  boost::asio::ip::tcp::socket socket_;
  std::string request_;
  std::array<char, 16 * 1024> chunk_{};
  std::string pending_;
};

}  // namespace herald::test
