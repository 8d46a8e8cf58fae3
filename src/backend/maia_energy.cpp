// Maia's energy model coefficients: the `energy` knobs, TSRAM as the near SRAM level and CSRAM as
// the far one, the GNOC as the on-chip network, the NIC as the network.
#include "maia/backend/maia_backend.hpp"

namespace maia {

EnergyCoefficients MaiaBackend::energy_coefficients() const {
  const EnergyConfig& e = cfg_.energy;
  EnergyCoefficients k;
  k.mac_fp4_pj = e.ttu_mac_fp4_pj;
  k.mac_fp8_pj = e.ttu_mac_fp8_pj;
  k.mac_bf16_pj = e.ttu_mac_bf16_pj;
  k.vector_op_pj = e.tvp_op_pj;
  k.near_sram_read_pj_per_byte = e.tsram_read_pj_per_byte;
  k.near_sram_write_pj_per_byte = e.tsram_write_pj_per_byte;
  k.far_sram_read_pj_per_byte = e.csram_read_pj_per_byte;
  k.far_sram_write_pj_per_byte = e.csram_write_pj_per_byte;
  k.noc_pj_per_byte_hop = e.gnoc_pj_per_byte_hop;
  k.hbm_activate_pj = e.hbm_activate_pj;
  k.hbm_read_pj_per_bit = e.hbm_read_pj_per_bit;
  k.hbm_write_pj_per_bit = e.hbm_write_pj_per_bit;
  k.hbm_refresh_pj = e.hbm_refresh_pj;
  k.network_pj_per_bit = e.nic_pj_per_bit;
  k.pcie_pj_per_bit = e.pcie_pj_per_bit;
  k.static_w = e.static_w();
  return k;
}

}  // namespace maia
