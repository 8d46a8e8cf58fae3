#pragma once
// What one operator (or one iteration, one phase) did, as event counts: the input of the energy
// model (maia/report/energy_model.hpp). Backends take the counts as deltas of their modules' own
// statistics around the operator's simulation, so the record travels with the operator's
// measurement and a memoised operator counts again each time it runs. Each chip kind fills the
// events its model has; the rest stay 0.
namespace maia {

struct Activity {
  // Tensor-engine multiply-accumulates by the precision the engine ran at (the wider operand):
  // FP4 (MXFP4), FP8, and 16-bit or wider (BF16, FP16, FP32).
  double macs_fp4 = 0, macs_fp8 = 0, macs_bf16 = 0;
  double vector_ops = 0;  // vector-unit element operations (FLOPs of the function table)
  // On-chip SRAM, by level: the near level (Maia TSRAM; GPU shared memory) and the far level
  // (Maia CSRAM; GPU L2).
  double near_sram_read_bytes = 0, near_sram_write_bytes = 0;
  double far_sram_read_bytes = 0, far_sram_write_bytes = 0;
  double noc_byte_hops = 0;  // bytes times links crossed on the on-chip network (GPU: crossbar)
  double hbm_activates = 0, hbm_read_bytes = 0, hbm_write_bytes = 0, hbm_refreshes = 0;
  double network_bytes = 0;  // scale-up / scale-out link bytes sent (NIC; GPU: NVLink)
  double pcie_bytes = 0;     // host link payload bytes, both directions

  Activity& operator+=(const Activity& o);
  bool operator==(const Activity&) const = default;
  // Every count times `f` (an interpolated or repeated iteration).
  Activity scaled(double f) const;
};

Activity operator+(Activity a, const Activity& b);
Activity operator-(const Activity& a, const Activity& b);

}  // namespace maia
