#include "maia/program/program.hpp"

#include <fmt/format.h>

#include <regex>

namespace maia {

std::string Location::text() const {
  switch (kind) {
    case Kind::kTile:
      return fmt::format("c{}.t{}", cluster, tile);
    case Kind::kCluster:
      return fmt::format("c{}", cluster);
    case Kind::kHost:
      return "host";
    case Kind::kNic:
      return "nic";
  }
  return "?";
}

std::string_view memory_space_name(MemorySpace s) {
  switch (s) {
    case MemorySpace::kHbm:
      return "hbm";
    case MemorySpace::kCsram:
      return "csram";
    case MemorySpace::kTsram:
      return "tsram";
    case MemorySpace::kHost:
      return "host";
  }
  return "?";
}

std::string_view engine_kind_name(EngineKind k) {
  switch (k) {
    case EngineKind::kTtu:
      return "ttu";
    case EngineKind::kTvp:
      return "tvp";
    case EngineKind::kTileDma:
      return "dma";
    case EngineKind::kTcp:
      return "tcp";
    case EngineKind::kClusterDma:
      return "dma";
    case EngineKind::kHostDma:
      return "dma";
    case EngineKind::kHostCommand:
      return "cmd";
    case EngineKind::kNicDma:
      return "dma";
  }
  return "?";
}

std::string_view opcode_name(OpCode op) {
  switch (op) {
    case OpCode::kGemm:
      return "gemm";
    case OpCode::kVector:
      return "vector";
    case OpCode::kCopy:
      return "copy";
    case OpCode::kMulticast:
      return "multicast";
    case OpCode::kScalar:
      return "scalar";
    case OpCode::kCommand:
      return "command";
  }
  return "?";
}

std::string engine_name(const Location& loc, EngineKind k, int channel) {
  if (k == EngineKind::kClusterDma || k == EngineKind::kNicDma)
    return fmt::format("{}.dma{}", loc.text(), channel);
  return loc.text() + "." + std::string(engine_kind_name(k));
}

std::optional<EngineName> parse_engine_name(const std::string& text) {
  static const std::regex tile_re(R"(c(\d{1,6})\.t(\d{1,6})\.(ttu|tvp|dma|tcp))");
  static const std::regex cluster_re(R"(c(\d{1,6})\.dma(\d{0,3}))");
  static const std::regex host_re(R"(host\.(dma|cmd))");
  static const std::regex nic_re(R"(nic\.dma(\d{1,3}))");
  std::smatch m;
  if (std::regex_match(text, m, tile_re)) {
    Location loc{Location::Kind::kTile, std::stoi(m[1]), std::stoi(m[2])};
    const std::string e = m[3];
    const EngineKind k = e == "ttu"   ? EngineKind::kTtu
                         : e == "tvp" ? EngineKind::kTvp
                         : e == "dma" ? EngineKind::kTileDma
                                      : EngineKind::kTcp;
    return EngineName{loc, k};
  }
  if (std::regex_match(text, m, cluster_re))
    return EngineName{{Location::Kind::kCluster, std::stoi(m[1]), -1},
                      EngineKind::kClusterDma,
                      m[2].length() ? std::stoi(m[2]) : 0};
  if (std::regex_match(text, m, host_re))
    return EngineName{{Location::Kind::kHost, -1, -1},
                      m[1] == "dma" ? EngineKind::kHostDma : EngineKind::kHostCommand};
  if (std::regex_match(text, m, nic_re))
    return EngineName{{Location::Kind::kNic, -1, -1}, EngineKind::kNicDma, std::stoi(m[1])};
  return std::nullopt;
}

}  // namespace maia
