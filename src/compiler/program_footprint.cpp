#include "maia/compiler/program_footprint.hpp"

#include <algorithm>
#include <vector>

namespace maia {

ProgramFootprint program_footprint(const Program& p) {
  ProgramFootprint f;
  for (const auto& b : p.buffers) {
    const std::uint64_t end = b.offset + b.bytes;
    if (b.space == MemorySpace::kHbm) f.hbm_end = std::max(f.hbm_end, end);
    if (b.space == MemorySpace::kCsram) f.csram_end = std::max(f.csram_end, end);
    if (b.space == MemorySpace::kTsram) f.tsram_end = std::max(f.tsram_end, end);
  }
  return f;
}

void relocate_program(Program& p, std::uint64_t hbm_base, std::uint64_t csram_base,
                      std::uint64_t tsram_base) {
  for (auto& b : p.buffers) {
    if (b.space == MemorySpace::kHbm) b.offset += hbm_base;
    if (b.space == MemorySpace::kCsram) b.offset += csram_base;
    if (b.space == MemorySpace::kTsram) b.offset += tsram_base;
  }
}

void prune_unwaited_semaphores(Program& p) {
  std::vector<bool> waited(p.semaphores.size(), false);
  for (const auto& q : p.queues)
    for (const auto& in : q.instructions)
      for (const auto& w : in.waits) waited[static_cast<std::size_t>(w.semaphore)] = true;
  std::vector<int> renumber(p.semaphores.size(), -1);
  std::vector<SemaphoreDecl> kept;
  for (std::size_t i = 0; i < p.semaphores.size(); ++i) {
    if (!waited[i]) continue;
    renumber[i] = static_cast<int>(kept.size());
    kept.push_back(std::move(p.semaphores[i]));
  }
  if (kept.size() == p.semaphores.size()) return;
  p.semaphores = std::move(kept);
  auto remap = [&](std::vector<SemaphoreOp>& ops) {
    std::erase_if(ops, [&](const SemaphoreOp& o) {
      return renumber[static_cast<std::size_t>(o.semaphore)] < 0;
    });
    for (auto& o : ops) o.semaphore = renumber[static_cast<std::size_t>(o.semaphore)];
  };
  for (auto& q : p.queues)
    for (auto& in : q.instructions) {
      remap(in.waits);
      remap(in.signals);
    }
}

}  // namespace maia
