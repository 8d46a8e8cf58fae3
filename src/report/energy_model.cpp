#include "maia/report/energy_model.hpp"

namespace maia {

std::string_view energy_class_name(EnergyClass c) {
  switch (c) {
    case EnergyClass::kCompute:
      return "compute";
    case EnergyClass::kVector:
      return "vector";
    case EnergyClass::kSram:
      return "sram";
    case EnergyClass::kNoc:
      return "noc";
    case EnergyClass::kHbm:
      return "hbm";
    case EnergyClass::kNetwork:
      return "network";
    case EnergyClass::kHost:
      return "host";
    case EnergyClass::kStatic:
      return "static";
  }
  return "?";
}

double EnergyBreakdown::total() const {
  double t = 0;
  for (double j : joules) t += j;
  return t;
}

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
  for (std::size_t i = 0; i < kEnergyClasses; ++i) joules[i] += o.joules[i];
  return *this;
}

EnergyBreakdown energy_of(const Activity& a, double time_ns, const EnergyCoefficients& k) {
  constexpr double kPj = 1e-12;
  EnergyBreakdown e;
  e[EnergyClass::kCompute] =
      (a.macs_fp4 * k.mac_fp4_pj + a.macs_fp8 * k.mac_fp8_pj + a.macs_bf16 * k.mac_bf16_pj) * kPj;
  e[EnergyClass::kVector] = a.vector_ops * k.vector_op_pj * kPj;
  e[EnergyClass::kSram] = (a.near_sram_read_bytes * k.near_sram_read_pj_per_byte +
                           a.near_sram_write_bytes * k.near_sram_write_pj_per_byte +
                           a.far_sram_read_bytes * k.far_sram_read_pj_per_byte +
                           a.far_sram_write_bytes * k.far_sram_write_pj_per_byte) *
                          kPj;
  e[EnergyClass::kNoc] = a.noc_byte_hops * k.noc_pj_per_byte_hop * kPj;
  e[EnergyClass::kHbm] =
      (a.hbm_activates * k.hbm_activate_pj + 8 * a.hbm_read_bytes * k.hbm_read_pj_per_bit +
       8 * a.hbm_write_bytes * k.hbm_write_pj_per_bit + a.hbm_refreshes * k.hbm_refresh_pj) *
      kPj;
  e[EnergyClass::kNetwork] = 8 * a.network_bytes * k.network_pj_per_bit * kPj;
  e[EnergyClass::kHost] = 8 * a.pcie_bytes * k.pcie_pj_per_bit * kPj;
  e[EnergyClass::kStatic] = k.static_w * time_ns * 1e-9;
  return e;
}

}  // namespace maia
