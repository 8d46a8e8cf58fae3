#pragma once
// A GPU: the SM array, the crossbar, the L2, the HBM subsystem (the same model as Maia's, with the
// GPU's HBM2e/HBM3/HBM3e parameters), the PCIe host link and the NVLink ports. It executes
// GpuKernels (maia/hw/gpu/gpu_kernel.hpp) at CTA granularity: CTAs are dispatched in launch
// order to the earliest free CTA slot (SMs x resident CTAs, SM-major so a wave covers every SM
// before doubling up); each CTA's tensor and vector work is reserved on its SM's pipes, its reads
// go through the crossbar and L2 (misses to HBM) and overlap with its compute (the main loop is
// software-pipelined), and its stores follow in the epilogue. A kernel ends when its last CTA
// does. Timing is computed on occupancy servers at transaction level; the caller advances
// SystemC time to the returned end.
#include <cstdint>
#include <memory>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <systemc>

#include "maia/config/gpu_config.hpp"
#include "maia/hw/gpu/gpu_crossbar.hpp"
#include "maia/hw/gpu/gpu_kernel.hpp"
#include "maia/hw/gpu/gpu_l2.hpp"
#include "maia/hw/gpu/gpu_nvlink.hpp"
#include "maia/hw/gpu/gpu_sm_array.hpp"
#include "maia/hw/hbm/hbm_subsystem.hpp"
#include "maia/hw/host/host_interface.hpp"
#include "maia/report/stats.hpp"

namespace maia {

// What one kernel did on the chip.
struct GpuKernelRun {
  Picos start = 0, end = 0;
  std::int64_t resident_ctas = 0;  // per SM
  std::int64_t waves = 0;          // CTAs / (SMs x resident), rounded up
  std::uint64_t hbm_read_bytes = 0, hbm_write_bytes = 0;
  std::uint64_t l2_bytes = 0;                    // through the L2 partitions
  std::uint64_t l2_hit_bytes = 0;                // reads served by L2
  std::uint64_t network_bytes = 0;               // sent over NVLink
  Picos tensor_busy_ps = 0, vector_busy_ps = 0;  // summed over SMs
};

class GpuChip : public sc_core::sc_module, public StatsSource {
 public:
  GpuChip(sc_core::sc_module_name name, const GpuConfig& cfg);

  // Runs `kernel` from `start` (>= the current simulated time); returns what it did.
  // SimulationError when its operands do not fit in HBM or a CTA does not fit on an SM.
  GpuKernelRun run(const GpuKernel& kernel, Picos start);
  // A canonical state to measure from: the first HBM refresh-interval boundary at least one
  // interval after `now`, every HBM row closed, L2 clean. Returns that time.
  Picos canonical_start(Picos now);
  // One host transfer of `bytes` over PCIe from `at`; returns when its last byte arrived.
  Picos host_transfer(std::uint64_t bytes, bool to_device, Picos at);

  const GpuConfig& config() const { return cfg_; }
  double hbm_peak_gbps() const { return hbm_->peak_gbps(); }
  void collect_stats(std::vector<StatGroup>& out) const override;

 private:
  void run_ctas(const GpuKernel& kernel, const std::vector<std::uint64_t>& base, Picos start,
                GpuKernelRun& r);
  void run_collective(const GpuRingCollective& c, Picos start, GpuKernelRun& r);
  // A miss or write-back of [addr, addr + bytes) on the miss path and HBM; returns its end.
  Picos hbm_access(std::uint64_t addr, std::uint64_t bytes, bool write, Picos at);
  void retire_before(Picos t);

  GpuConfig cfg_;
  std::unique_ptr<GpuSmArray> sms_;
  std::unique_ptr<GpuCrossbar> crossbar_;
  std::unique_ptr<GpuL2> l2_;
  std::unique_ptr<HbmSubsystem> hbm_;
  std::unique_ptr<HostInterface> host_;
  std::unique_ptr<GpuNvLink> nvlink_;
  tlm_utils::simple_initiator_socket<GpuChip> hbm_port_;  // binds the HBM's target socket
  std::uint64_t kernels_ = 0;
};

}  // namespace maia
