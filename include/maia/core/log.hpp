#pragma once
// The library's one logger for diagnostics: a named spdlog logger ("maia") writing to stderr as
// "LEVEL: message" lines. Levels trace, debug, info, warn, error, off; the default is warn, so a
// plain run prints only warnings and errors. Results and a command's own output never go here.
#include <optional>
#include <string_view>

#include <spdlog/spdlog.h>

namespace maia {

// The logger (created on first use).
spdlog::logger& logger();

// "trace", "debug", "info", "warn", "error" or "off"; nullopt for anything else.
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name);

// The valid level names, for messages: "trace, debug, info, warn, error, off".
constexpr const char* kLogLevelNames = "trace, debug, info, warn, error, off";

void set_log_level(spdlog::level::level_enum level);

}  // namespace maia
