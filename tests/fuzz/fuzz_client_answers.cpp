// Feeds arbitrary bytes to the client's parsers of what an edge (or whatever pretends to be one)
// sends over HTTP: the event stream, in chunks the input itself decides, and the JSON answers of
// GET /poll and POST /send. Nothing may crash, and what is accepted must be usable as frames.
#include <boost/json.hpp>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "client/http_answers.hpp"
#include "client/sse_parser.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

// Every frame handed on must itself parse as a JSON object: the Client parses it again.
void require_object(std::string_view frame) {
  boost::json::error_code ec;
  const boost::json::value value = boost::json::parse(frame, ec);
  require(!ec && value.is_object());
}

void fuzz_event_stream(std::string_view input) {
  herald::client::SseParser parser(256);
  std::size_t total = 0;
  const auto check = [&](const herald::client::SseEvent& event) {
    require(event.data.size() <= input.size());
    require(event.type.find('\n') == std::string_view::npos);
    total += event.data.size();
  };
  // The first byte picks the chunk size, so the same stream is cut in many ways.
  const std::size_t step = input.empty() ? 1 : static_cast<unsigned char>(input[0]) % 7 + 1;
  for (std::size_t at = 0; at < input.size(); at += step)
    parser.feed(input.substr(at, step), check);
  require(total <= input.size());
}

void fuzz_answers(std::string_view input) {
  if (const auto answer = herald::client::parse_poll_answer(input)) {
    for (const auto& frame : answer->events)
      require_object(frame);
    for (const auto& frame : answer->messages)
      require_object(frame);
  }
  if (const auto frames = herald::client::parse_send_answer(input)) {
    for (const auto& frame : *frames)
      require_object(frame);
  }
  if (const auto frame = herald::client::error_answer_frame(input)) require_object(*frame);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_event_stream(input);
  fuzz_answers(input);
  return 0;
}
