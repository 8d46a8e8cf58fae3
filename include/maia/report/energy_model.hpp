#pragma once
// The activity-based energy model: an Activity (event counts) and the time it took, priced with
// per-event energies and per-block static power, give joules per module class. The model is
// linear in the counts and in time, so the energy of a sum of operators is the sum of their
// energies, and a phase (or a power manager's window) is priced from its summed activity and its
// duration. Coefficients come from the chip kind's `energy` knobs (the backend converts them);
// this layer knows no config and no executor.
#include <array>
#include <string_view>

#include "maia/report/activity.hpp"

namespace maia {

// Module classes of the breakdown; `kStatic` is the idle (leakage and clock) power of every block
// over the time, the others the dynamic energy of their events.
enum class EnergyClass { kCompute, kVector, kSram, kNoc, kHbm, kNetwork, kHost, kStatic };
inline constexpr std::size_t kEnergyClasses = 8;
std::string_view energy_class_name(EnergyClass c);

// Per-event energies (pJ) and the chip's idle power (W), whatever the kind.
struct EnergyCoefficients {
  double mac_fp4_pj = 0, mac_fp8_pj = 0, mac_bf16_pj = 0;
  double vector_op_pj = 0;
  double near_sram_read_pj_per_byte = 0, near_sram_write_pj_per_byte = 0;
  double far_sram_read_pj_per_byte = 0, far_sram_write_pj_per_byte = 0;
  double noc_pj_per_byte_hop = 0;
  double hbm_activate_pj = 0;                                // one ACT with its precharge
  double hbm_read_pj_per_bit = 0, hbm_write_pj_per_bit = 0;  // core and I/O, both ends
  double hbm_refresh_pj = 0;                                 // one refresh command
  double network_pj_per_bit = 0, pcie_pj_per_bit = 0;
  double static_w = 0;  // idle power of every block together
};

// Joules per class; total() is their sum, in class order (the classes are the only record).
struct EnergyBreakdown {
  std::array<double, kEnergyClasses> joules{};
  double& operator[](EnergyClass c) { return joules[static_cast<std::size_t>(c)]; }
  double operator[](EnergyClass c) const { return joules[static_cast<std::size_t>(c)]; }
  double total() const;
  EnergyBreakdown& operator+=(const EnergyBreakdown& o);
};

// The energy of `a` done in `time_ns`: each class's events times their energies, plus static
// power times time.
EnergyBreakdown energy_of(const Activity& a, double time_ns, const EnergyCoefficients& k);

}  // namespace maia
