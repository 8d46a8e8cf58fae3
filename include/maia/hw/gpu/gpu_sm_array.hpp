#pragma once
// The SM array: `count` streaming multiprocessors, each with a tensor-core pipe (MACs per clock
// by operand type) and a vector pipe (FP32 lanes and SFUs) modelled as occupancy servers, so
// CTAs resident on one SM share its pipes. Shared memory per SM limits how many CTAs of a kernel
// are resident at once.
#include <cstdint>
#include <vector>

#include <systemc>

#include "maia/config/gpu_config.hpp"
#include "maia/core/dtype.hpp"
#include "maia/core/occupancy_server.hpp"
#include "maia/report/stats.hpp"

namespace maia {

class GpuSmArray : public sc_core::sc_module, public StatsSource {
 public:
  GpuSmArray(sc_core::sc_module_name name, const GpuSmConfig& cfg, double clock_ghz);

  std::int64_t count() const { return cfg_.count; }
  // CTAs of a kernel holding `smem_bytes` each that fit on one SM; SimulationError (with the
  // numbers) when not even one does.
  std::int64_t resident_ctas(std::int64_t smem_bytes) const;
  // `macs` on SM `sm`'s tensor pipe at `efficiency` of its rate for `t`, from `earliest`.
  Reservation run_tensor(std::int64_t sm, Picos earliest, std::uint64_t macs, DType t,
                         double efficiency);
  // `ops` FP32 lane operations and `sfu_ops` SFU operations on SM `sm`'s vector pipe.
  Reservation run_vector(std::int64_t sm, Picos earliest, std::uint64_t ops, std::uint64_t sfu_ops);
  void count_cta() { ++ctas_; }
  Picos tensor_busy_ps() const;
  Picos vector_busy_ps() const;
  void retire_before(Picos t);
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  GpuSmConfig cfg_;
  double clock_ghz_;
  std::vector<OccupancyServer> tensor_, vector_;
  std::uint64_t macs_ = 0, vector_ops_ = 0, sfu_ops_ = 0, ctas_ = 0;
};

}  // namespace maia
