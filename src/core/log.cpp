#include "maia/core/log.hpp"

#include <array>
#include <memory>
#include <utility>

#include <spdlog/sinks/stdout_sinks.h>

namespace maia {

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto l =
        std::make_shared<spdlog::logger>("maia", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%l: %v");
    l->set_level(spdlog::level::warn);
    l->flush_on(spdlog::level::trace);  // every line reaches stderr before the next output
    return l;
  }();
  return *instance;
}

std::optional<spdlog::level::level_enum> parse_log_level(std::string_view name) {
  using L = spdlog::level::level_enum;
  static constexpr std::array<std::pair<std::string_view, L>, 6> kLevels = {{{"trace", L::trace},
                                                                             {"debug", L::debug},
                                                                             {"info", L::info},
                                                                             {"warn", L::warn},
                                                                             {"error", L::err},
                                                                             {"off", L::off}}};
  for (const auto& [n, level] : kLevels)
    if (n == name) return level;
  return std::nullopt;
}

void set_log_level(spdlog::level::level_enum level) { logger().set_level(level); }

}  // namespace maia
