#include "maia/hw/tile/ttu.hpp"

#include <algorithm>

#include "maia/core/dtype.hpp"

namespace maia {

std::int64_t ttu_macs_per_cycle(const TtuConfig& ttu, DType t) {
  switch (t) {
    case DType::kFp4:
      return ttu.macs_per_cycle_fp4;
    case DType::kFp8:
      return ttu.macs_per_cycle_fp8;
    default:
      return ttu.macs_per_cycle_bf16;
  }
}

namespace {
// The precision the TTU runs a gemm at, the wider operand's: 0 FP4, 1 FP8, 2 16-bit or wider.
int precision_class(DType a, DType b) {
  const int bits = std::max(dtype_bits(a), dtype_bits(b));
  return bits <= 4 ? 0 : bits <= 8 ? 1 : 2;
}
}  // namespace

GemmCost gemm_cost(const TtuConfig& ttu, std::int64_t m, std::int64_t n, std::int64_t k, DType a,
                   DType b) {
  GemmCost c;
  c.macs_per_cycle = std::min(ttu_macs_per_cycle(ttu, a), ttu_macs_per_cycle(ttu, b));
  c.k_step = std::max<std::int64_t>(1, c.macs_per_cycle / (ttu.tile_m * ttu.tile_n));
  auto ceil_div = [](std::int64_t x, std::int64_t y) { return (x + y - 1) / y; };
  c.compute_cycles = ceil_div(m, ttu.tile_m) * ceil_div(n, ttu.tile_n) * ceil_div(k, c.k_step) +
                     ttu.pipeline_cycles;
  c.flops = 2.0 * static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  return c;
}

Ttu::Ttu(sc_core::sc_module_name name, Location where, SemaphoreFabric& sync,
         OccupancyServer* issue, Picos issue_cost, const TtuConfig& cfg, double clock_ghz,
         BankedSram& tsram)
    : QueueEngine(name, EngineKind::kTtu, std::move(where), sync, issue, issue_cost),
      cfg_(cfg),
      clock_ghz_(clock_ghz),
      tsram_(tsram) {}

Picos Ttu::execute(const Instruction& in) {
  const GemmCost cost = gemm_cost(cfg_, in.m, in.n, in.k, in.a_dtype, in.b_dtype);
  const Picos start = now_ps();
  const Picos compute_end =
      start + cycles_to_ps(static_cast<double>(cost.compute_cycles), clock_ghz_);
  const auto m = static_cast<std::uint64_t>(in.m), n = static_cast<std::uint64_t>(in.n),
             k = static_cast<std::uint64_t>(in.k);
  // Operands stream in over the instruction. Output tiles are finished one after another (each
  // accumulates over all of k), so partial sums are read and results written throughout too.
  // The SRAM access latency is part of the pipeline fill (pipeline_cycles), so only the TSRAM
  // bookings running past the compute window stall the instruction.
  const Flow stream{start, compute_end};
  auto streamed = [&](std::uint64_t addr, std::uint64_t bytes, bool write) {
    return tsram_.access(addr, bytes, write, stream, true).last - tsram_.latency();
  };
  const std::uint64_t c_addr = buffer(in.c).offset + in.c.offset;
  const std::uint64_t c_bytes = dtype_bytes(in.c_dtype, m * n);
  Picos end = compute_end;
  end = std::max(
      end, streamed(buffer(in.a).offset + in.a.offset, dtype_bytes(in.a_dtype, m * k), false));
  end = std::max(
      end, streamed(buffer(in.b).offset + in.b.offset, dtype_bytes(in.b_dtype, k * n), false));
  if (in.accumulate) end = std::max(end, streamed(c_addr, c_bytes, false));
  end = std::max(end, streamed(c_addr, c_bytes, true));
  operand_stall_ps_ += end - compute_end;
  flops_ += cost.flops;
  macs_[precision_class(in.a_dtype, in.b_dtype)] += cost.flops / 2;
  compute_cycles_ += cost.compute_cycles;
  wait_until(end);
  return end;
}

void Ttu::add_stats(StatGroup& g) const {
  g.set("flops", flops_, "FLOP", "2 * m * n * k summed over gemm instructions");
  g.set("macs_fp4", macs_[0], "MAC", "multiply-accumulates run at FP4");
  g.set("macs_fp8", macs_[1], "MAC", "multiply-accumulates run at FP8");
  g.set("macs_bf16", macs_[2], "MAC", "multiply-accumulates run at 16 bits or wider");
  g.set("compute_cycles", static_cast<double>(compute_cycles_), "cycles",
        "operand-tile cycles plus pipeline fill/drain");
  g.set("operand_stall_ns", ps_to_ns(operand_stall_ps_), "ns",
        "time instructions ran past their compute because TSRAM could not keep up");
}

}  // namespace maia
