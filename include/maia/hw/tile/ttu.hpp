#pragma once
// Tile tensor unit. A gemm macro-instruction C[m,n] (+)= A[m,k] B[k,n] is cut into 32 x K x 32
// operand tiles (K set by the datatype's MAC rate), one per cycle, plus pipeline fill/drain; its
// operands stream from TSRAM during the instruction, so a TSRAM that cannot feed it slows it.
#include "maia/config/chip_config.hpp"
#include "maia/hw/core/banked_sram.hpp"
#include "maia/hw/engine/queue_engine.hpp"

namespace maia {

struct GemmCost {
  std::int64_t macs_per_cycle = 0;  // at the slower of the two operand types
  std::int64_t k_step = 0;          // K per operand tile
  std::int64_t compute_cycles = 0;  // operand tiles + pipeline
  double flops = 0;
};
GemmCost gemm_cost(const TtuConfig& ttu, std::int64_t m, std::int64_t n, std::int64_t k, DType a,
                   DType b);
std::int64_t ttu_macs_per_cycle(const TtuConfig& ttu, DType t);

class Ttu : public QueueEngine {
 public:
  Ttu(sc_core::sc_module_name name, Location where, SemaphoreFabric& sync, OccupancyServer* issue,
      Picos issue_cost, const TtuConfig& cfg, double clock_ghz, BankedSram& tsram);

 protected:
  Picos execute(const Instruction& in) override;
  void add_stats(StatGroup& g) const override;

 private:
  TtuConfig cfg_;
  double clock_ghz_;
  BankedSram& tsram_;
  double flops_ = 0;
  double macs_[3] = {0, 0, 0};  // by the precision it ran at: FP4, FP8, 16-bit or wider
  std::int64_t compute_cycles_ = 0;
  Picos operand_stall_ps_ = 0;
};

}  // namespace maia
