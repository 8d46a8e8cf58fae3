#pragma once
// Several consecutive operators' programs merged into one program, so that they run overlapped
// in one phase: each engine's queue holds the first operator's instructions, then the next's
// (in-order queues keep each engine's order), so an operator's weight loads issue as soon as the
// previous operator's loads on that DMA queue have been issued.
//
// Data gate: an operator whose producers are in the window must not read their results before
// they are written. Every HBM write of a producer in cluster c signals done[p][c]; a TCP scalar
// instruction on tile c.t0 waits for all of them and signals ready[p][c->c'] to every consumer
// cluster c' (at most three per instruction, so a short chain); on c'.t0 the consumer's TCP
// gathers ready[p][*->c'] from every producer and cluster (three waits per instruction) and
// signals gate[j][c'] once per gated queue. The gated instruction of a queue is the consumer's
// first cluster DMA instruction there that reads an HBM buffer other than its weights; the
// queue's later instructions start after it (DMA queues start in order).
//
// Programs must already be placed apart (disjoint HBM, CSRAM and TSRAM buffers): the merged
// program is validated like any other, which also refuses double-booked SRAM and more
// semaphores than a tile or cluster has.
#include <string>
#include <vector>

#include "maia/config/chip_config.hpp"
#include "maia/program/program.hpp"

namespace maia {

struct WindowOperator {
  const Program* program = nullptr;
  std::vector<int> producers;       // earlier window positions whose results it reads
  std::vector<int> weight_buffers;  // its HBM buffers that hold weights (never gated)
};

struct MergedWindow {
  Program program;
  // Per queue of the merged program, per instruction: the window position of the operator it
  // belongs to, or -1 for the data gate's TCP instructions.
  std::vector<std::vector<int>> owner;
};

// Throws InputError when the merged program is not valid on `chip` (SRAM windows overlap, too
// many semaphores) or a gate cannot be attached (no free wait or signal slot).
MergedWindow merge_operators(const std::vector<WindowOperator>& ops, const std::string& name,
                             const ChipConfig& chip);

}  // namespace maia
