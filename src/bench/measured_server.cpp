#include "bench/measured_server.hpp"

#include <charconv>
#include <stdexcept>

namespace herald::bench {
namespace {

unsigned short port_of(std::string_view address) {
  const auto colon = address.rfind(':');
  unsigned short port = 0;
  if (colon == std::string_view::npos ||
      std::from_chars(address.data() + colon + 1, address.data() + address.size(), port).ec !=
          std::errc{} ||
      port == 0) {
    throw std::invalid_argument("--server wants IPV4:PORT, not " + std::string(address));
  }
  return port;
}

}  // namespace

MeasuredServer::MeasuredServer(const ServerChoice& choice)
    : target_(choice.target), pid_(choice.pid), api_key_(choice.api_key) {
  if (!choice.address.empty()) {
    if (choice.pid <= 0) throw std::invalid_argument("--server needs --server-pid");
    port_ = port_of(choice.address);
    ip_ = choice.address.substr(0, choice.address.rfind(':'));
    args_ = {"--server=" + choice.address};
    return;
  }
  if (choice.target != Target::herald) {
    throw std::invalid_argument("--target nchan needs --server and --server-pid");
  }
  args_ = choice.server_args;
  args_.push_back("--api-key=" + api_key_);
  own_ = std::make_unique<ServerUnderTest>(args_);
  own_->start();
  port_ = own_->port();
}

std::vector<std::string> MeasuredServer::description() const {
  std::vector<std::string> out = {"--target=" + std::string(target_name(target_))};
  out.insert(out.end(), args_.begin(), args_.end());
  return out;
}

}  // namespace herald::bench
