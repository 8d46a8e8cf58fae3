#pragma once
// Simulated time. All timing arithmetic is done on integer picoseconds so that results are
// exact and deterministic; SystemC (resolution 1 ps) only sees the result at process boundaries.
#include <cmath>
#include <cstdint>
#include <limits>

#include <systemc>

namespace maia {

using Picos = std::int64_t;

inline constexpr Picos kPicosPerNs = 1000;
inline constexpr Picos kPicosPerUs = 1000 * kPicosPerNs;
inline constexpr Picos kPicosPerSecond = 1000 * 1000 * kPicosPerUs;
// The simulated-time range (about 26.7 days): no instant or duration reaches it. Conversions
// saturate at kNever instead of overflowing, and a run that would pass it stops with a
// SimulationError ("simulated-time limit"), so a huge input can never wrap into a small time.
inline constexpr Picos kNever = std::numeric_limits<Picos>::max() / 4;

// Picoseconds (possibly fractional, huge or NaN) as Picos: rounded, NaN and beyond-range as kNever.
inline Picos saturating_ps(double ps) {
  if (!(ps < static_cast<double>(kNever))) return kNever;
  return static_cast<Picos>(std::llround(ps));
}

// Nanoseconds (a config value) to picoseconds, rounded to the nearest ps.
inline Picos ns_to_ps(double ns) { return saturating_ps(ns * 1000.0); }

// Duration of `cycles` clock cycles at `ghz`, rounded to the nearest ps.
inline Picos cycles_to_ps(double cycles, double ghz) {
  return saturating_ps(cycles * 1000.0 / ghz);
}

// Time to move `bytes` at `gbytes_per_s` (1 GB/s = 1e9 B/s), rounded up to a whole ps so that
// a transfer never looks faster than its bandwidth allows.
inline Picos transfer_ps(double bytes, double gbytes_per_s) {
  const double ps = std::ceil(bytes * 1000.0 / gbytes_per_s);
  return ps < static_cast<double>(kNever) ? static_cast<Picos>(ps) : kNever;
}

inline double ps_to_seconds(Picos ps) { return static_cast<double>(ps) / kPicosPerSecond; }
inline double ps_to_ns(Picos ps) { return static_cast<double>(ps) / kPicosPerNs; }

inline sc_core::sc_time to_sc(Picos ps) {
  return sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS);
}
inline Picos from_sc(const sc_core::sc_time& t) { return static_cast<Picos>(t.value()); }
inline Picos now_ps() { return from_sc(sc_core::sc_time_stamp()); }

// Gigabytes per second achieved by moving `bytes` in `ps` picoseconds (0 when ps == 0).
inline double gbytes_per_s(double bytes, Picos ps) {
  return ps > 0 ? bytes * 1000.0 / static_cast<double>(ps) : 0.0;
}

}  // namespace maia
