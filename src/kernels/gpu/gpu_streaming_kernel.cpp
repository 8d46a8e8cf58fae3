// Memory-bound streaming kernels (element-wise, norms, split-K reductions): enough CTAs to fill
// the SMs, each reading and writing an equal contiguous share once (no reuse, so every read
// misses L2 and streams from HBM at the miss path's rate).
#include <algorithm>

#include "maia/kernels/gpu/gpu_lowering.hpp"

namespace maia {

namespace {
constexpr std::uint64_t kBytesPerCta = 16 * 1024;  // a 256-thread CTA's slice per pass
constexpr std::uint64_t kCtasPerSm = 8;            // grid-stride loops beyond this
}  // namespace

std::uint64_t gpu_share(std::uint64_t total, std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return 0;
  const unsigned __int128 p = static_cast<unsigned __int128>(total) * part;
  return static_cast<std::uint64_t>((p + whole - 1) / whole);
}

GpuKernel gpu_streaming_kernel(const GpuConfig& cfg, const std::string& name,
                               std::uint64_t read_bytes, std::uint64_t write_bytes,
                               std::uint64_t vector_ops, std::uint64_t sfu_ops) {
  const std::uint64_t total = read_bytes + write_bytes;
  const std::uint64_t ctas =
      std::clamp<std::uint64_t>((total + kBytesPerCta - 1) / kBytesPerCta, 1,
                                static_cast<std::uint64_t>(cfg.sm.count) * kCtasPerSm);
  GpuKernel k;
  k.name = name;
  k.store_in_epilogue = false;  // stores stream with the loads
  const std::uint64_t rd = gpu_share(read_bytes, 1, ctas), wr = gpu_share(write_bytes, 1, ctas);
  k.operands = {{"in", rd * ctas, rd}, {"out", wr * ctas, wr}};
  k.ctas.reserve(ctas);
  for (std::uint64_t i = 0; i < ctas; ++i) {
    GpuCta c;
    // Equal shares; the last CTA takes what is left.
    const std::uint64_t r = i + 1 < ctas ? rd : read_bytes - std::min(read_bytes, rd * i);
    const std::uint64_t w = i + 1 < ctas ? wr : write_bytes - std::min(write_bytes, wr * i);
    c.vector_ops = i + 1 < ctas ? vector_ops / ctas : vector_ops - vector_ops / ctas * i;
    c.sfu_ops = i + 1 < ctas ? sfu_ops / ctas : sfu_ops - sfu_ops / ctas * i;
    if (r > 0) c.reads = {{0, i, r, 0}};
    if (w > 0) c.writes = {{1, i * wr, w}};
    k.ctas.push_back(std::move(c));
  }
  return k;
}

}  // namespace maia
