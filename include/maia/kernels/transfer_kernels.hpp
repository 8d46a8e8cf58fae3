#pragma once
// Data-movement kernels used by the microbenchmarks: HBM streaming from every cluster DMA queue,
// cluster-to-cluster traffic over the GNOC, and host <-> HBM over PCIe.
#include <cstdint>
#include <string>

#include "maia/config/chip_config.hpp"
#include "maia/program/program.hpp"

namespace maia {

struct HbmStreamSpec {
  bool random = false;
  std::uint64_t bytes = 1ull << 30;
  double write_fraction = 0;
  std::uint64_t access_bytes = 64;            // random pattern piece size
  std::uint64_t instruction_bytes = 8 << 20;  // bytes per copy instruction
  std::uint64_t seed = 1;
};
// Every cluster DMA queue of every cluster streams its share of `bytes` between HBM and a CSRAM
// scratch region: sequential ranges, or random pieces over the whole HBM.
Program build_hbm_stream(const ChipConfig& chip, const HbmStreamSpec& spec);

struct NocTrafficSpec {
  std::string test = "bisection";  // "link" | "bisection"
  std::uint64_t bytes_per_flow = 256ull << 20;
};
// link: cluster 0 sends to the cluster whose router is nearest below it (one mesh link);
// bisection: every cluster in the upper half of the mesh exchanges with one in the lower half.
Program build_noc_traffic(const ChipConfig& chip, const NocTrafficSpec& spec);

struct PcieSpec {
  std::uint64_t bytes = 256ull << 20;
  std::uint64_t command_bytes = 64;
};
// host.dma: host -> HBM, then HBM -> host; host.cmd: one command (its latency is its span).
Program build_pcie_traffic(const ChipConfig& chip, const PcieSpec& spec);

// One host.dma copy of `bytes` over PCIe: host DRAM -> HBM (to_device) or HBM -> host DRAM.
// A serving iteration's prompt upload and token return.
Program build_host_copy(const ChipConfig& chip, std::uint64_t bytes, bool to_device);

}  // namespace maia
