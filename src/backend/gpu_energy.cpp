// A GPU's energy model coefficients: the `energy` knobs, L2 as the far SRAM level (reads and
// writes alike; shared memory traffic is not modelled), the SM-L2 crossbar as the on-chip
// network (one hop), NVLink as the network.
#include "maia/backend/gpu_backend.hpp"

namespace maia {

EnergyCoefficients GpuBackend::energy_coefficients() const {
  const GpuEnergyConfig& e = cfg_.energy;
  EnergyCoefficients k;
  k.mac_fp4_pj = e.mac_fp4_pj;
  k.mac_fp8_pj = e.mac_fp8_pj;
  k.mac_bf16_pj = e.mac_fp16_pj;
  k.vector_op_pj = e.vector_op_pj;
  k.far_sram_read_pj_per_byte = e.l2_pj_per_byte;
  k.far_sram_write_pj_per_byte = e.l2_pj_per_byte;
  k.noc_pj_per_byte_hop = e.crossbar_pj_per_byte;
  k.hbm_activate_pj = e.hbm_activate_pj;
  k.hbm_read_pj_per_bit = e.hbm_read_pj_per_bit;
  k.hbm_write_pj_per_bit = e.hbm_write_pj_per_bit;
  k.hbm_refresh_pj = e.hbm_refresh_pj;
  k.network_pj_per_bit = e.nvlink_pj_per_bit;
  k.pcie_pj_per_bit = e.pcie_pj_per_bit;
  k.static_w = e.static_w;
  return k;
}

}  // namespace maia
