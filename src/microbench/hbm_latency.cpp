// microbench hbm --pattern latency: a pointer chase on the HBM subsystem (each 64 B read issued
// when the one before has returned, at a seeded random address), alone and under background
// sequential streams of rising intensity: the latency-versus-bandwidth curve as memory-latency
// checkers print it. Measured at the HBM controller (DRAM + controller latency, no GNOC).
#include <algorithm>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

#include "maia/core/splitmix64.hpp"
#include "maia/hw/hbm/hbm_subsystem.hpp"
#include "maia/microbench/microbench.hpp"

namespace maia {

Json microbench_hbm_latency(const ChipConfig& chip, const HbmLatencySpec& spec) {
  Json rows = Json::array();
  const std::uint64_t chunk = spec.stream_chunk_bytes;
  for (const double load : spec.loads) {
    HbmSubsystem hbm(sc_core::sc_gen_unique_name("hbm_latency"), chip.hbm);
    const double peak = hbm.peak_gbps();
    const std::uint64_t cap = hbm.capacity_bytes();
    const std::uint64_t lines = cap / 64;
    // Background: `streams` sequential readers, each issuing `chunk` bytes every `period` ps so
    // that together they offer load x peak, with at most `outstanding` chunks in flight each (as
    // a DMA queue has): past saturation the bandwidth levels off and the latency stays bounded.
    const Picos period =
        load > 0 ? static_cast<Picos>(static_cast<double>(chunk) *
                                      static_cast<double>(spec.streams) / (load * peak) * 1000.0)
                 : 0;
    const auto streams = static_cast<std::size_t>(spec.streams);
    const std::uint64_t region = cap / streams / chunk * chunk;
    const auto depth = static_cast<std::size_t>(spec.outstanding);
    std::vector<std::uint64_t> offset(streams, 0);
    std::vector<Picos> next(streams);
    std::vector<std::vector<Picos>> inflight(streams, std::vector<Picos>(depth, 0));
    std::vector<std::size_t> slot(streams, 0);
    // Stagger the streams' first issues over one period.
    for (std::size_t i = 0; i < streams; ++i)
      next[i] = period * static_cast<Picos>(i) / static_cast<Picos>(streams);
    std::uint64_t rng = spec.seed;
    Picos chase_t = 0, end = 0;
    std::vector<double> lat;
    lat.reserve(static_cast<std::size_t>(spec.chase_steps));
    double bg_bytes = 0;
    while (static_cast<std::int64_t>(lat.size()) < spec.chase_steps) {
      // Calls in time order: a background chunk due before the next chase read goes first.
      std::size_t i = 0;
      for (std::size_t k = 1; k < streams; ++k)
        if (next[k] < next[i]) i = k;
      if (load > 0 && next[i] <= chase_t) {
        const std::uint64_t addr = i * region + offset[i];
        offset[i] = (offset[i] + chunk) % region;
        const Picos done = hbm.access(addr, chunk, false, next[i]);
        end = std::max(end, done);
        bg_bytes += static_cast<double>(chunk);
        inflight[i][slot[i]] = done;
        slot[i] = (slot[i] + 1) % depth;
        next[i] = std::max(next[i] + period, inflight[i][slot[i]]);
        continue;
      }
      const std::uint64_t addr = (splitmix64_next(rng) % lines) * 64;
      const Picos done = hbm.access(addr, 64, false, chase_t);
      lat.push_back(static_cast<double>(done - chase_t) / kPicosPerNs);
      chase_t = done;
      end = std::max(end, done);
    }
    std::sort(lat.begin(), lat.end());
    double sum = 0;
    for (const double l : lat) sum += l;
    const auto pct = [&](double p) {
      return lat[std::min(lat.size() - 1, static_cast<std::size_t>(p * lat.size()))];
    };
    const double span_ns = static_cast<double>(end) / kPicosPerNs;
    const double gbps = (bg_bytes + 64.0 * static_cast<double>(lat.size())) / span_ns;
    rows.push_back({{"offered_load", load},
                    {"bandwidth_gbps", gbps},
                    {"fraction_of_peak", gbps / peak},
                    {"latency_mean_ns", sum / static_cast<double>(lat.size())},
                    {"latency_p50_ns", pct(0.5)},
                    {"latency_p99_ns", pct(0.99)}});
  }
  Json j;
  j["benchmark"] = "hbm";
  j["pattern"] = "latency";
  j["scheduler"] = chip.hbm.scheduler;
  j["chase_steps"] = spec.chase_steps;
  j["streams"] = spec.streams;
  j["stream_chunk_bytes"] = spec.stream_chunk_bytes;
  j["outstanding_per_stream"] = spec.outstanding;
  j["peak_gbps"] = hbm_peak_gbps(chip.hbm);
  j["measured_at"] = "HBM controller (DRAM + controller latency; no GNOC, no DMA)";
  j["curve"] = rows;
  return j;
}

std::string hbm_latency_table(const Json& j, bool csv) {
  std::string out;
  if (csv) {
    out =
        "offered_load,bandwidth_gbps,fraction_of_peak,latency_mean_ns,latency_p50_ns,"
        "latency_p99_ns\n";
    for (const Json& r : j["curve"])
      out += fmt::format("{:.2f},{:.1f},{:.4f},{:.2f},{:.2f},{:.2f}\n",
                         r["offered_load"].get<double>(), r["bandwidth_gbps"].get<double>(),
                         r["fraction_of_peak"].get<double>(), r["latency_mean_ns"].get<double>(),
                         r["latency_p50_ns"].get<double>(), r["latency_p99_ns"].get<double>());
    return out;
  }
  out =
      fmt::format("HBM pointer chase, 64 B reads, {} {} ({}); {} background streams of {} B\n",
                  j["chase_steps"].get<std::int64_t>(), "steps", j["scheduler"].get<std::string>(),
                  j["streams"].get<std::int64_t>(), j["stream_chunk_bytes"].get<std::uint64_t>());
  out += fmt::format("{:>8} {:>14} {:>8} {:>12} {:>10} {:>10}\n", "offered", "bandwidth GB/s",
                     "of peak", "latency ns", "p50 ns", "p99 ns");
  for (const Json& r : j["curve"])
    out +=
        fmt::format("{:>7.0f}% {:>14.1f} {:>7.1f}% {:>12.1f} {:>10.1f} {:>10.1f}\n",
                    100 * r["offered_load"].get<double>(), r["bandwidth_gbps"].get<double>(),
                    100 * r["fraction_of_peak"].get<double>(), r["latency_mean_ns"].get<double>(),
                    r["latency_p50_ns"].get<double>(), r["latency_p99_ns"].get<double>());
  return out;
}

}  // namespace maia
