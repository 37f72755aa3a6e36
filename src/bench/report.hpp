#pragma once

#include <boost/json/object.hpp>
#include <filesystem>
#include <string_view>

namespace herald::bench {

// What a result is worth depends on where it was measured: cores, CPU model, kernel, and the
// per-process open-file limit (which decides how many processes a load needs).
boost::json::object machine_description();

// Writes `text` to `path`, creating the directories it needs. Throws std::runtime_error.
void write_text_file(const std::filesystem::path& path, std::string_view text);

}  // namespace herald::bench
