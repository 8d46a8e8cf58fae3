#pragma once
// What a generated program occupies (the end of its buffers in each memory space), moving it to
// other addresses, and dropping semaphores that nothing waits on. The compiler uses these to
// place several operators' programs side by side in one phase (maia/compiler/operator_window).
#include <cstdint>

#include "maia/program/program.hpp"

namespace maia {

struct ProgramFootprint {
  std::uint64_t hbm_end = 0;    // first HBM byte past its buffers
  std::uint64_t csram_end = 0;  // the same in CSRAM, the largest over clusters
  std::uint64_t tsram_end = 0;  // the same in TSRAM, the largest over tiles
};

ProgramFootprint program_footprint(const Program& p);

// Adds the bases to every buffer of the matching space (instructions refer to buffers, so they
// follow).
void relocate_program(Program& p, std::uint64_t hbm_base, std::uint64_t csram_base,
                      std::uint64_t tsram_base);

// Removes the semaphores no instruction waits on, and the signals sent to them: they order
// nothing, and each would otherwise hold one of its home's hardware semaphores.
void prune_unwaited_semaphores(Program& p);

}  // namespace maia
