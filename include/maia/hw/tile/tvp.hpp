#pragma once
// Tile vector processor: SIMD lanes (fewer for FP32) with several FMA pipes per lane. A vector
// macro-instruction costs its elements times the function's pipe operations, spread over all
// lanes and pipes, plus fill/drain; its inputs and output stream through TSRAM.
#include "maia/config/chip_config.hpp"
#include "maia/hw/core/banked_sram.hpp"
#include "maia/hw/engine/queue_engine.hpp"

namespace maia {

std::int64_t tvp_cycles(const TvpConfig& tvp, const std::string& function, std::int64_t elements,
                        DType dtype);

class Tvp : public QueueEngine {
 public:
  Tvp(sc_core::sc_module_name name, Location where, SemaphoreFabric& sync, OccupancyServer* issue,
      Picos issue_cost, const TvpConfig& cfg, double clock_ghz, BankedSram& tsram);

 protected:
  Picos execute(const Instruction& in) override;
  void add_stats(StatGroup& g) const override;

 private:
  TvpConfig cfg_;
  double clock_ghz_;
  BankedSram& tsram_;
  double flops_ = 0;
  std::int64_t elements_ = 0;
};

}  // namespace maia
