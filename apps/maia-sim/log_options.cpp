#include "log_options.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/log.hpp"

namespace maia::cli {

void apply_log_options(std::vector<std::string>& args) {
  std::optional<spdlog::level::level_enum> level;
  auto set = [&](const std::string& name) {
    level = parse_log_level(name);
    if (!level)
      throw InputError(
          fmt::format("--log-level: must be one of {}, got \"{}\"", kLogLevelNames, name));
  };
  std::vector<std::string> kept;
  kept.reserve(args.size());
  const std::string prefix = "--log-level=";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {  // everything after belongs to someone else
      kept.insert(kept.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    if (a == "-v") {
      level = spdlog::level::info;
    } else if (a == "-vv") {
      level = spdlog::level::debug;
    } else if (a == "--log-level") {
      if (i + 1 >= args.size())
        throw InputError(fmt::format("--log-level: needs a level ({})", kLogLevelNames));
      set(args[++i]);
    } else if (a.rfind(prefix, 0) == 0) {
      set(a.substr(prefix.size()));
    } else {
      kept.push_back(a);
    }
  }
  args = std::move(kept);
  if (level) set_log_level(*level);
}

}  // namespace maia::cli
