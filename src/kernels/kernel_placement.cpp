#include "maia/kernels/kernel_placement.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "maia/program/program_builder.hpp"

namespace maia {

void add_prefetch(Program& program, const std::vector<PrefetchCopy>& copies, int dma_queues) {
  if (copies.empty()) return;
  // One HBM region for all sources, one CSRAM region per cluster for the destinations.
  std::uint64_t h0 = UINT64_MAX, h1 = 0;
  std::map<int, std::pair<std::uint64_t, std::uint64_t>> cs;
  for (const auto& c : copies) {
    h0 = std::min(h0, c.hbm_addr);
    h1 = std::max(h1, c.hbm_addr + c.bytes);
    auto [it, fresh] = cs.try_emplace(c.cluster, c.csram_addr, c.csram_addr + c.bytes);
    if (!fresh) {
      it->second.first = std::min(it->second.first, c.csram_addr);
      it->second.second = std::max(it->second.second, c.csram_addr + c.bytes);
    }
  }
  const int hbm = static_cast<int>(program.buffers.size());
  program.buffers.push_back({"prefetch.hbm", MemorySpace::kHbm, -1, {}, h0, h1 - h0});
  std::map<int, int> csram;
  for (const auto& [cluster, range] : cs) {
    csram[cluster] = static_cast<int>(program.buffers.size());
    program.buffers.push_back({fmt::format("prefetch.c{}", cluster),
                               MemorySpace::kCsram,
                               cluster,
                               {},
                               range.first,
                               range.second - range.first});
  }
  const int channel = dma_queues - 1;
  for (const auto& [cluster, buf] : csram) {
    const Location where = ProgramBuilder::cluster(cluster);
    const std::string name = engine_name(where, EngineKind::kClusterDma, channel);
    auto q = std::find_if(program.queues.begin(), program.queues.end(),
                          [&](const Queue& x) { return x.name == name; });
    if (q == program.queues.end()) {
      program.queues.push_back({where, EngineKind::kClusterDma, channel, name, {}});
      q = program.queues.end() - 1;
    }
    std::vector<Instruction> head;
    for (const auto& c : copies) {
      if (c.cluster != cluster) continue;
      Instruction in =
          make_copy({hbm, c.hbm_addr - h0}, {buf, c.csram_addr - cs[cluster].first}, c.bytes);
      in.where = fmt::format("{}: {} prefetch[{}]", program.source, name, head.size());
      head.push_back(std::move(in));
    }
    q->instructions.insert(q->instructions.begin(), head.begin(), head.end());
  }
}

}  // namespace maia
