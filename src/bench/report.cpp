#include "bench/report.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace herald::bench {
namespace {

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  constexpr std::string_view kKey = "model name";
  for (std::string line; std::getline(cpuinfo, line);) {
    const auto colon = line.find(':');
    if (line.starts_with(kKey) && colon != std::string::npos) return line.substr(colon + 2);
  }
  return "unknown";
}

}  // namespace

boost::json::object machine_description() {
  utsname name{};
  ::uname(&name);
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  return {{"cores", std::thread::hardware_concurrency()},
          {"cpu", cpu_model()},
          {"kernel", std::string(name.sysname) + " " + name.release},
          {"open_files_limit", files.rlim_cur}};
}

void write_text_file(const std::filesystem::path& path, std::string_view text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!file.flush()) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace herald::bench
