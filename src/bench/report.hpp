#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace herald::bench {

// What a result is worth depends on where it was measured: cores, CPU model, kernel, and the
// per-process open-file limit (which decides how many processes a load needs).
boost::json::object machine_description();

// Writes `text` to `path`, creating the directories it needs. Throws std::runtime_error.
void write_text_file(const std::filesystem::path& path, std::string_view text);

// Writes a scenario's JSON result to `out`, completed with what it ran against: the server's
// extra flags and the machine.
void write_result(const std::filesystem::path& out, boost::json::object result,
                  const std::vector<std::string>& server_args);

// write_result, then the SVG `chart` beside it (beside(out, chart_suffix)); says so on stdout.
void write_result_and_chart(const std::filesystem::path& out, boost::json::object result,
                            const std::vector<std::string>& server_args,
                            std::string_view chart_suffix, std::string_view chart);

// A file next to the result `out`: beside("r/storm.json", "-attempts.svg") is r/storm-attempts.svg.
std::filesystem::path beside(const std::filesystem::path& out, std::string_view suffix);

}  // namespace herald::bench
