#include "bench/report.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>

#include <array>
#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
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
  std::array<double, 3> load{};
  ::getloadavg(load.data(), static_cast<int>(load.size()));
  return {{"cores", std::thread::hardware_concurrency()},
          {"cpu", cpu_model()},
          {"kernel", std::string(name.sysname) + " " + name.release},
          {"open_files_limit", files.rlim_cur},
          // Other work on the machine shares its cores with the scenario.
          {"load_average_1_5_15_min", boost::json::value_from(load)}};
}

void write_text_file(const std::filesystem::path& path, std::string_view text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!file.flush()) throw std::runtime_error("cannot write " + path.string());
}

void write_result(const std::filesystem::path& out, boost::json::object result,
                  const std::vector<std::string>& server_args) {
  result["server_args"] = boost::json::value_from(server_args);
  result["machine"] = machine_description();
  write_text_file(out, boost::json::serialize(result) + "\n");
}

void write_result_and_chart(const std::filesystem::path& out, boost::json::object result,
                            const std::vector<std::string>& server_args,
                            std::string_view chart_suffix, std::string_view chart) {
  write_result(out, std::move(result), server_args);
  write_text_file(beside(out, chart_suffix), chart);
  std::cout << "wrote " << out.string() << " and its chart beside it\n";
}

std::filesystem::path beside(const std::filesystem::path& out, std::string_view suffix) {
  return out.parent_path() / (out.stem().string() + std::string(suffix));
}

}  // namespace herald::bench
