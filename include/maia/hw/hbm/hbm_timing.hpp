#pragma once
// HBM timing parameters converted from HbmConfig (ns, doubles) to integer picoseconds, plus
// the values derived from the geometry: the burst time on one pseudo-channel's data bus and
// the bus spacing of back-to-back bursts.
#include <algorithm>
#include <cmath>
#include <string>

#include "maia/config/chip_config.hpp"
#include "maia/core/error.hpp"
#include "maia/core/time.hpp"

namespace maia {

enum class HbmRefreshMode { kAllBank, kPerBank };

// Data bus width of one pseudo-channel: a stack's 1024 DQ bits shared by its channels and PCs.
inline double hbm_pc_bus_bits(const HbmConfig& cfg) {
  return 1024.0 / static_cast<double>(cfg.channels_per_stack * cfg.pseudo_channels);
}

// Peak bandwidth of the whole subsystem in GB/s (1e9 B/s).
inline double hbm_peak_gbps(const HbmConfig& cfg) {
  return static_cast<double>(cfg.stacks) * 1024.0 * cfg.pin_rate_gbps / 8.0;
}

struct HbmTiming {
  // Config timings (HbmTimingConfig), rounded to the nearest ps.
  Picos tCL = 0, tCWL = 0, tRCD_rd = 0, tRCD_wr = 0, tRP = 0, tRAS = 0, tRC = 0, tWR = 0, tRTP = 0,
        tCCD_S = 0, tCCD_L = 0, tRRD_S = 0, tRRD_L = 0, tFAW = 0, tWTR_S = 0, tWTR_L = 0, tRTW = 0,
        tREFI = 0, tRFC = 0, tRFCpb = 0;
  // One burst on the PC data bus: burst_bytes * 8 / (pc_bus_bits * pin_rate), rounded up so
  // that a PC never moves data faster than its pins allow.
  Picos tBL = 0;
  Picos slot_S = 0;  // max(tCCD_S, tBL): burst spacing on the PC bus across bank groups
  Picos slot_L = 0;  // max(tCCD_L, tBL): burst spacing within one bank group
  Picos controller_latency = 0;
  HbmRefreshMode refresh = HbmRefreshMode::kPerBank;

  static HbmTiming from_config(const HbmConfig& cfg) {
    const HbmTimingConfig& c = cfg.timing;
    HbmTiming t;
    t.tCL = ns_to_ps(c.tCL);
    t.tCWL = ns_to_ps(c.tCWL);
    t.tRCD_rd = ns_to_ps(c.tRCD_rd);
    t.tRCD_wr = ns_to_ps(c.tRCD_wr);
    t.tRP = ns_to_ps(c.tRP);
    t.tRAS = ns_to_ps(c.tRAS);
    t.tRC = ns_to_ps(c.tRC);
    t.tWR = ns_to_ps(c.tWR);
    t.tRTP = ns_to_ps(c.tRTP);
    t.tCCD_S = ns_to_ps(c.tCCD_S);
    t.tCCD_L = ns_to_ps(c.tCCD_L);
    t.tRRD_S = ns_to_ps(c.tRRD_S);
    t.tRRD_L = ns_to_ps(c.tRRD_L);
    t.tFAW = ns_to_ps(c.tFAW);
    t.tWTR_S = ns_to_ps(c.tWTR_S);
    t.tWTR_L = ns_to_ps(c.tWTR_L);
    t.tRTW = ns_to_ps(c.tRTW);
    t.tREFI = ns_to_ps(c.tREFI);
    t.tRFC = ns_to_ps(c.tRFC);
    t.tRFCpb = ns_to_ps(c.tRFCpb);
    if (cfg.pin_rate_gbps <= 0 || cfg.channels_per_stack <= 0 || cfg.pseudo_channels <= 0)
      throw InputError("hbm.pin_rate_gbps, channels_per_stack and pseudo_channels must be > 0");
    const double burst_ns =
        static_cast<double>(cfg.burst_bytes) * 8.0 / (hbm_pc_bus_bits(cfg) * cfg.pin_rate_gbps);
    t.tBL = static_cast<Picos>(std::ceil(burst_ns * 1000.0 - 1e-9));
    t.slot_S = std::max(t.tCCD_S, t.tBL);
    t.slot_L = std::max(t.tCCD_L, t.tBL);
    t.controller_latency = ns_to_ps(cfg.controller_latency_ns);
    if (cfg.refresh_mode == "all_bank") {
      t.refresh = HbmRefreshMode::kAllBank;
    } else if (cfg.refresh_mode == "per_bank") {
      t.refresh = HbmRefreshMode::kPerBank;
    } else {
      throw InputError("hbm.refresh_mode must be 'all_bank' or 'per_bank', got '" +
                       cfg.refresh_mode + "'");
    }
    if (t.tREFI <= 0) throw InputError("hbm.timing.tREFI must be > 0");
    return t;
  }
};

}  // namespace maia
