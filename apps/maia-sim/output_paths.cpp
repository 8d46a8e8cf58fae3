#include "output_paths.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>
#include <unistd.h>

#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"

namespace maia::cli {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void refuse(const std::string& flag, const std::string& path, const std::string& why) {
  throw InputError(fmt::format("{} {}: cannot write there: {}", flag, brief_text(path), why));
}

}  // namespace

void check_output_dir(const std::string& dir, const std::string& flag) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    refuse(flag, dir, "it exists and is not a directory");
  fs::create_directories(dir, ec);
  if (ec) refuse(flag, dir, ec.message());
  const fs::path probe = fs::path(dir) / fmt::format(".maia-sim-write-check-{}", ::getpid());
  {
    std::ofstream out(probe);
    if (!out) refuse(flag, dir, "cannot create a file in it");
  }
  fs::remove(probe, ec);
}

void check_output_file(const std::string& file, const std::string& flag) {
  std::error_code ec;
  if (file.empty()) refuse(flag, file, "empty path");
  if (fs::is_directory(file, ec)) refuse(flag, file, "it is a directory");
  const bool existed = fs::exists(file, ec);
  {
    std::ofstream out(file, std::ios::app);
    if (!out)
      refuse(flag, file,
             fs::is_directory(fs::path(file).parent_path().empty() ? fs::path(".")
                                                                   : fs::path(file).parent_path(),
                              ec)
                 ? "no permission, or an invalid name"
                 : "its folder does not exist");
  }
  if (!existed) fs::remove(file, ec);
}

}  // namespace maia::cli
