#include "client/sse_parser.hpp"

namespace herald::client {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

bool SseParser::feed(std::string_view bytes, const EventHandler& on_event) {
  for (std::size_t i = 0; i < bytes.size() && !failed_; ++i) {
    const char c = bytes[i];
    if (c == '\n' && after_cr_) {
      after_cr_ = false;
      continue;
    }
    after_cr_ = c == '\r';
    if (c == '\r' || c == '\n') {
      end_line(on_event);
      continue;
    }
    if (line_.size() >= max_line_) {
      failed_ = true;
      break;
    }
    line_ += c;
    // The mark may only open the stream; strip it once whole.
    if (!started_ && line_.size() == kByteOrderMark.size()) {
      started_ = true;
      if (line_ == kByteOrderMark) line_.clear();
    }
  }
  return !failed_;
}

void SseParser::end_line(const EventHandler& on_event) {
  started_ = true;
  const std::string_view line = line_;
  if (line.empty()) {
    dispatch(on_event);
  } else if (line.front() != ':') {  // a comment otherwise (keep-alives)
    const std::size_t colon = line.find(':');
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (value.starts_with(' ')) value.remove_prefix(1);
    }
    field(line.substr(0, colon), value);
  }
  line_.clear();
}

void SseParser::field(std::string_view name, std::string_view value) {
  if (name == "data") {
    data_ += value;
    data_ += '\n';
    has_data_ = true;
  } else if (name == "event") {
    type_ = value;
  } else if (name == "id" && value.find('\0') == std::string_view::npos) {
    last_event_id_ = value;
  }
  // `retry` and unknown fields: nothing this client needs.
}

void SseParser::dispatch(const EventHandler& on_event) {
  if (has_data_) {
    std::string_view data = data_;
    data.remove_suffix(1);  // the '\n' after the last data line
    on_event({type_, data, last_event_id_});
  }
  type_.clear();
  data_.clear();
  has_data_ = false;
}

}  // namespace herald::client
