// Closed-form timing of single instructions on an idle chip: each test runs a tiny hand-built
// program and compares the instruction spans with formulas of the configured parameters (TTU
// operand tiles, TVP lanes, DMA port widths, SRAM latencies, GNOC hop latencies, PCIe).
// One simulation per test (gtest_discover_tests runs each test in its own process).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <systemc>

#include "maia/config/chip_config.hpp"
#include "maia/core/dtype.hpp"
#include "maia/core/error.hpp"
#include "maia/core/time.hpp"
#include "maia/hw/chip/peaks.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"
#include "maia/hw/tile/ttu.hpp"
#include "maia/hw/tile/tvp.hpp"
#include "maia/program/program_builder.hpp"
#include "maia/program/program_loader.hpp"
#include "maia/program/vector_functions.hpp"
#include "maia/sim/program_run.hpp"

namespace maia {
namespace {

using PB = ProgramBuilder;

struct Span {
  Picos start = 0, end = 0;
  Picos length() const { return end - start; }
};

const EngineSummary& engine(const ProgramResult& r, const std::string& queue) {
  for (const auto& e : r.engines)
    if (e.name.size() >= queue.size() + 1 &&
        e.name.compare(e.name.size() - queue.size() - 1, queue.size() + 1, "." + queue) == 0)
      return e;
  throw std::runtime_error("no engine " + queue);
}

Span span(const ProgramResult& r, const std::string& queue, std::size_t i) {
  const auto& e = engine(r, queue);
  if (i >= e.spans_ns.size())
    throw std::runtime_error(queue + ": no instruction " + std::to_string(i));
  return {static_cast<Picos>(std::llround(e.spans_ns[i].first * 1000.0)),
          static_cast<Picos>(std::llround(e.spans_ns[i].second * 1000.0))};
}

Buffer tsram(const std::string& name, std::vector<Location> tiles, std::uint64_t offset,
             std::uint64_t bytes) {
  return {name, MemorySpace::kTsram, -1, std::move(tiles), offset, bytes};
}
Buffer csram(const std::string& name, int cluster, std::uint64_t offset, std::uint64_t bytes) {
  return {name, MemorySpace::kCsram, cluster, {}, offset, bytes};
}

Instruction scalar(std::int64_t cycles) {
  Instruction in;
  in.op = OpCode::kScalar;
  in.cycles = cycles;
  return in;
}

Instruction vector_op(const std::string& fn, std::int64_t elements, DType dtype,
                      std::vector<BufferRef> inputs, BufferRef out) {
  Instruction in;
  in.op = OpCode::kVector;
  in.function = fn;
  in.elements = elements;
  in.a_dtype = in.c_dtype = dtype;
  in.inputs = static_cast<std::int64_t>(inputs.size());
  in.operands = std::move(inputs);
  in.c = out;
  return in;
}

Picos sram_peak_time(const SramConfig& s, double ghz, std::uint64_t bytes) {
  return transfer_ps(static_cast<double>(bytes),
                     static_cast<double>(s.banks * s.bank_width_bytes) * ghz);
}

Picos cycles(const ChipConfig& c, std::int64_t n) {
  return cycles_to_ps(static_cast<double>(n), c.clock_ghz);
}

Picos hop_ps(const ChipConfig& c) {
  return cycles_to_ps(
      static_cast<double>(c.gnoc.router_latency_cycles + c.gnoc.link_latency_cycles),
      c.gnoc.clock_ghz);
}

Program finish(PB& pb, const ChipConfig& chip) {
  Program p = pb.build();
  validate_program(p, chip);
  return p;
}

// ---------------------------------------------------------------------------------------------
// (a) TTU

constexpr std::int64_t kDim = 256;

// TTU cycles worked out by hand from configs/maia200.json (ChipConfig's defaults), independent
// of gemm_cost(): 32x32 output tiles; a tile advances MACs-per-cycle / (32*32) steps of k per
// cycle (fp4 65536 -> 64, fp8 32768 -> 32, bf16 8192 -> 8; mixed types at the slower one); plus
// 64 pipeline cycles. Cycles = ceil(m/32) * ceil(n/32) * ceil(k/k_step) + 64.
void expect_maia200_ttu(const TtuConfig& ttu) {
  ASSERT_EQ(ttu.tile_m, 32);
  ASSERT_EQ(ttu.tile_n, 32);
  ASSERT_EQ(ttu.macs_per_cycle_fp4, 65536);
  ASSERT_EQ(ttu.macs_per_cycle_fp8, 32768);
  ASSERT_EQ(ttu.macs_per_cycle_bf16, 8192);
  ASSERT_EQ(ttu.pipeline_cycles, 64);
}
// 256^3: 8 * 8 output tiles; k steps 256/64 = 4, 256/32 = 8, 256/8 = 32.
constexpr std::int64_t kCycles256Fp4 = 8 * 8 * 4 + 64;    // 320
constexpr std::int64_t kCycles256Fp8 = 8 * 8 * 8 + 64;    // 576
constexpr std::int64_t kCycles256Bf16 = 8 * 8 * 32 + 64;  // 2112

// Gemm on c0.t0 with A, B in `dtype` and C in bf16, operands in TSRAM.
Instruction gemm_on_tile(std::int64_t m, std::int64_t n, std::int64_t k, DType dtype, int a, int b,
                         int c) {
  Instruction in = make_gemm(m, n, k, dtype, {a, 0}, {b, 0}, {c, 0}, false);
  in.c_dtype = DType::kBf16;
  return in;
}

TEST(TtuTiming, GemmSpanIsComputeCyclesWhenTsramKeepsUp) {
  const ChipConfig chip;
  expect_maia200_ttu(chip.tile.ttu);
  PB pb("ttu");
  const auto t = PB::tile(0, 0);
  const std::uint64_t ab = dtype_bytes(DType::kBf16, kDim * kDim);  // the widest operand type
  const int a = pb.add_buffer(tsram("A", {t}, 0, ab));
  const int b = pb.add_buffer(tsram("B", {t}, ab, ab));
  const int c = pb.add_buffer(tsram("C", {t}, 2 * ab, dtype_bytes(DType::kBf16, kDim * kDim)));
  const std::vector<DType> types = {DType::kFp4, DType::kFp8, DType::kBf16};
  for (DType d : types)
    pb.append(pb.queue(t, EngineKind::kTtu), gemm_on_tile(kDim, kDim, kDim, d, a, b, c));
  const ProgramResult r = run_program(chip, finish(pb, chip));

  const std::vector<std::int64_t> by_hand = {kCycles256Fp4, kCycles256Fp8, kCycles256Bf16};
  std::vector<Picos> excess;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const Picos compute = cycles(chip, by_hand[i]);
    const std::uint64_t bytes =
        2 * dtype_bytes(types[i], kDim * kDim) + dtype_bytes(DType::kBf16, kDim * kDim);
    // Precondition: all of A, B and C fit through TSRAM well within the compute time.
    ASSERT_LT(sram_peak_time(chip.tile.tsram, chip.clock_ghz, bytes), compute * 3 / 4)
        << dtype_name(types[i]);
    excess.push_back(span(r, "c0.t0.ttu", i).length() - compute);
  }
  EXPECT_DOUBLE_EQ(r.ttu_flops, 3 * 2.0 * kDim * kDim * kDim);
  const double stall_ns = sum_stat(r.modules, ".c0.t0.ttu", "operand_stall_ns");
  for (std::size_t i = 0; i < types.size(); ++i) EXPECT_EQ(excess[i], 0) << dtype_name(types[i]);
  EXPECT_EQ(stall_ns, 0.0);
}

TEST(TtuTiming, LowerPrecisionIsFaster) {
  const ChipConfig chip;
  PB pb("ttu");
  const auto t = PB::tile(0, 0);
  const std::uint64_t ab = dtype_bytes(DType::kBf16, kDim * kDim);
  const int a = pb.add_buffer(tsram("A", {t}, 0, ab));
  const int b = pb.add_buffer(tsram("B", {t}, ab, ab));
  const int c = pb.add_buffer(tsram("C", {t}, 2 * ab, dtype_bytes(DType::kBf16, kDim * kDim)));
  const std::vector<DType> types = {DType::kFp4, DType::kFp8, DType::kBf16};
  for (DType d : types)
    pb.append(pb.queue(t, EngineKind::kTtu), gemm_on_tile(kDim, kDim, kDim, d, a, b, c));
  const ProgramResult r = run_program(chip, finish(pb, chip));
  expect_maia200_ttu(chip.tile.ttu);
  const Picos lat = cycles(chip, chip.tile.tsram.latency_cycles);
  const std::vector<std::int64_t> by_hand = {kCycles256Fp4, kCycles256Fp8, kCycles256Bf16};
  std::vector<Picos> s;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const Picos compute = cycles(chip, by_hand[i]);
    s.push_back(span(r, "c0.t0.ttu", i).length());
    EXPECT_GE(s.back(), compute) << dtype_name(types[i]);
    EXPECT_LE(s.back(), compute + lat) << dtype_name(types[i]);
  }
  // Spans exclude the TCP issue, paid before each instruction starts.
  const Picos dispatch = cycles(chip, chip.tile.tcp_dispatch_cycles);
  EXPECT_EQ(span(r, "c0.t0.ttu", 0).start, dispatch);
  EXPECT_EQ(span(r, "c0.t0.ttu", 1).start, span(r, "c0.t0.ttu", 0).end + dispatch);
  EXPECT_EQ(span(r, "c0.t0.ttu", 2).start, span(r, "c0.t0.ttu", 1).end + dispatch);
  ASSERT_GT(chip.tile.ttu.macs_per_cycle_fp4, chip.tile.ttu.macs_per_cycle_fp8);
  ASSERT_GT(chip.tile.ttu.macs_per_cycle_fp8, chip.tile.ttu.macs_per_cycle_bf16);
  EXPECT_LT(s[0], s[1]);
  EXPECT_LT(s[1], s[2]);
  // Mixed operand types run at the slower type's rate.
  EXPECT_EQ(gemm_cost(chip.tile.ttu, kDim, kDim, kDim, DType::kFp4, DType::kBf16).compute_cycles,
            kCycles256Bf16);
  EXPECT_EQ(gemm_cost(chip.tile.ttu, kDim, kDim, kDim, DType::kFp8, DType::kFp4).compute_cycles,
            kCycles256Fp8);
}

TEST(TtuTiming, TimeScalesLinearlyInK) {
  const ChipConfig chip;
  PB pb("ttu_k");
  const auto t = PB::tile(0, 0);
  const std::int64_t k1 = 1024, k2 = 2 * k1;
  const std::uint64_t ab = dtype_bytes(DType::kFp8, kDim * k2);
  const int a = pb.add_buffer(tsram("A", {t}, 0, ab));
  const int b = pb.add_buffer(tsram("B", {t}, ab, ab));
  const int c = pb.add_buffer(tsram("C", {t}, 2 * ab, dtype_bytes(DType::kBf16, kDim * kDim)));
  pb.append(pb.queue(t, EngineKind::kTtu), gemm_on_tile(kDim, kDim, k1, DType::kFp8, a, b, c));
  pb.append(pb.queue(t, EngineKind::kTtu), gemm_on_tile(kDim, kDim, k2, DType::kFp8, a, b, c));
  const ProgramResult r = run_program(chip, finish(pb, chip));
  expect_maia200_ttu(chip.tile.ttu);
  // By hand (fp8, k_step 32, 8 * 8 output tiles): k 1024 -> 64 * 32 + 64, k 2048 -> 64 * 64 + 64.
  const std::int64_t cycles1 = 2112, cycles2 = 4160;
  const Picos lat = cycles(chip, chip.tile.tsram.latency_cycles);
  const Picos s1 = span(r, "c0.t0.ttu", 0).length(), s2 = span(r, "c0.t0.ttu", 1).length();
  EXPECT_GE(s1, cycles(chip, cycles1));
  EXPECT_LE(s1, cycles(chip, cycles1) + lat);
  EXPECT_GE(s2, cycles(chip, cycles2));
  EXPECT_LE(s2, cycles(chip, cycles2) + lat);
  // The k-dependent part doubles: 64 tiles x 1024 more k / 32 per cycle = 2048 cycles.
  EXPECT_NEAR(static_cast<double>(s2 - s1), static_cast<double>(cycles(chip, 2048)),
              static_cast<double>(lat));
  const double ratio = static_cast<double>(s2) / static_cast<double>(s1);
  EXPECT_GT(ratio, 1.9);
  EXPECT_LE(ratio, 2.0);
}

TEST(TtuTiming, NarrowTsramMakesGemmMemoryBound) {
  ChipConfig chip;
  chip.tile.tsram.banks = 1;  // one bank: TSRAM bandwidth drops by the bank count
  PB pb("ttu_narrow");
  const auto t = PB::tile(0, 0);
  const std::uint64_t ab = dtype_bytes(DType::kFp8, kDim * kDim);
  const std::uint64_t cb = dtype_bytes(DType::kBf16, kDim * kDim);
  const int a = pb.add_buffer(tsram("A", {t}, 0, ab));
  const int b = pb.add_buffer(tsram("B", {t}, ab, ab));
  const int c = pb.add_buffer(tsram("C", {t}, 2 * ab, cb));
  pb.append(pb.queue(t, EngineKind::kTtu), gemm_on_tile(kDim, kDim, kDim, DType::kFp8, a, b, c));
  const ProgramResult r = run_program(chip, finish(pb, chip));
  expect_maia200_ttu(chip.tile.ttu);
  const Picos compute = cycles(chip, kCycles256Fp8);
  const Picos memory = sram_peak_time(chip.tile.tsram, chip.clock_ghz, 2 * ab + cb);
  ASSERT_GT(memory, compute);
  const Picos s = span(r, "c0.t0.ttu", 0).length();
  EXPECT_GE(s, memory);
  EXPECT_LE(s, memory + cycles(chip, chip.tile.tsram.latency_cycles) +
                   3);  // 3 accesses, 1 ps rounding each
  EXPECT_GT(sum_stat(r.modules, ".c0.t0.ttu", "operand_stall_ns"), 0.0);
  EXPECT_DOUBLE_EQ(r.tsram_read_bytes, static_cast<double>(2 * ab));
  EXPECT_DOUBLE_EQ(r.tsram_write_bytes, static_cast<double>(cb));
}

// ---------------------------------------------------------------------------------------------
// (b) TVP

TEST(TvpTiming, VectorSpanIsLaneCycles) {
  const std::string kFn = "gelu";  // many pipe operations per element: compute-bound
  const ChipConfig chip;
  PB pb("tvp");
  const auto t = PB::tile(0, 0);
  const std::int64_t n16 = 65536, n32 = 32768;
  const std::uint64_t in_bytes = dtype_bytes(DType::kBf16, n16);
  const int x = pb.add_buffer(tsram("x", {t}, 0, in_bytes));
  const int y = pb.add_buffer(tsram("y", {t}, in_bytes, in_bytes));
  const int z = pb.add_buffer(tsram("z", {t}, 2 * in_bytes, in_bytes));
  auto& q = pb.queue(t, EngineKind::kTvp);
  pb.append(q, vector_op(kFn, n16, DType::kBf16, {{x, 0}}, {y, 0}));  // compute-bound, 16-bit lanes
  pb.append(q, vector_op(kFn, n32, DType::kFp32, {{x, 0}}, {y, 0}));  // compute-bound, fp32 lanes
  pb.append(q, vector_op("add", n16, DType::kBf16, {{x, 0}, {y, 0}}, {z, 0}));  // TSRAM-bound
  const ProgramResult r = run_program(chip, finish(pb, chip));
  const Picos lat = cycles(chip, chip.tile.tsram.latency_cycles);

  // By hand from configs/maia200.json (256 16-bit lanes, 128 fp32 lanes, 3 pipes, 16 pipeline
  // cycles) and gelu's 8 pipe operations per element (docs/programs.md):
  // bf16: ceil(65536 * 8 / (256 * 3)) + 16 = 683 + 16; fp32: ceil(32768 * 8 / (128 * 3)) + 16.
  ASSERT_EQ(chip.tile.tvp.lanes_16bit, 256);
  ASSERT_EQ(chip.tile.tvp.lanes_fp32, 128);
  ASSERT_EQ(chip.tile.tvp.pipes, 3);
  ASSERT_EQ(chip.tile.tvp.pipeline_cycles, 16);
  ASSERT_EQ(find_vector_function(kFn)->pipe_ops_per_element, 8.0);
  const Picos exp16 = cycles(chip, 699);
  const Picos exp32 = cycles(chip, 699);
  EXPECT_EQ(tvp_cycles(chip.tile.tvp, kFn, n16, DType::kBf16), 699);
  EXPECT_EQ(tvp_cycles(chip.tile.tvp, kFn, n32, DType::kFp32), 699);
  ASSERT_LT(sram_peak_time(chip.tile.tsram, chip.clock_ghz, 2 * in_bytes), exp16 * 3 / 4);
  ASSERT_LT(sram_peak_time(chip.tile.tsram, chip.clock_ghz, 2 * dtype_bytes(DType::kFp32, n32)),
            exp32 * 3 / 4);

  const Picos s16 = span(r, "c0.t0.tvp", 0).length(), s32 = span(r, "c0.t0.tvp", 1).length();
  const Picos sadd = span(r, "c0.t0.tvp", 2).length();
  EXPECT_GE(s16, exp16);
  EXPECT_LE(s16, exp16 + lat);
  EXPECT_GE(s32, exp32);
  EXPECT_LE(s32, exp32 + lat);
  // add: 3 x 128 KiB through TSRAM take longer than its lane cycles.
  const Picos add_compute = cycles(chip, 65536 / (256 * 3) + 1 + 16);  // 1 pipe op per element
  const Picos add_memory = sram_peak_time(chip.tile.tsram, chip.clock_ghz, 3 * in_bytes);
  ASSERT_GT(add_memory, add_compute);
  EXPECT_GE(sadd, add_memory);
  // gelu reports 14 FLOPs per element, add 1.
  EXPECT_DOUBLE_EQ(r.tvp_flops, 65536.0 * 14 + 32768.0 * 14 + 65536.0 * 1);
  EXPECT_EQ(s16, exp16);
  EXPECT_EQ(s32, exp32);
}

// ---------------------------------------------------------------------------------------------
// (c) Tile DMA

// The online softmax of flash attention: 6 issue slots per element on the lanes of the scores'
// datatype and 2 (running max and sum) on the FP32 lanes whatever it is.
TEST(TvpTiming, OnlineSoftmaxStatisticsRunOnFp32Lanes) {
  const ChipConfig chip;
  ASSERT_EQ(chip.tile.tvp.lanes_16bit, 256);
  ASSERT_EQ(chip.tile.tvp.lanes_fp32, 128);
  ASSERT_EQ(chip.tile.tvp.pipes, 3);
  ASSERT_EQ(chip.tile.tvp.pipeline_cycles, 16);
  const std::int64_t n = 512 * 512;
  // bf16: 262144 x 6 / (256 x 3) + 262144 x 2 / (128 x 3) = 2048 + 1365.33 -> 3414, + 16.
  EXPECT_EQ(tvp_cycles(chip.tile.tvp, "softmax_online", n, DType::kBf16), 3414 + 16);
  // fp32: 262144 x 8 / (128 x 3) = 5461.33 -> 5462, + 16.
  EXPECT_EQ(tvp_cycles(chip.tile.tvp, "softmax_online", n, DType::kFp32), 5462 + 16);
  // The plain softmax (8 slots, all on the instruction's lanes) is cheaper on 16-bit data.
  EXPECT_EQ(tvp_cycles(chip.tile.tvp, "softmax", n, DType::kBf16), 2731 + 16);
}

TEST(TileDmaTiming, CsramToTsramAtPortRate) {
  const ChipConfig chip;
  const std::uint64_t n = 16 * static_cast<std::uint64_t>(chip.tile.dma.chunk_bytes);
  PB pb("tile_dma");
  // N bytes on cluster 0, 2N on cluster 1: separate CSRAMs, ports and tiles, so both are idle.
  const int c0 = pb.add_buffer(csram("c0", 0, 0, n));
  const int t0 = pb.add_buffer(tsram("t0", {PB::tile(0, 0)}, 0, n));
  const int c1 = pb.add_buffer(csram("c1", 1, 0, 2 * n));
  const int t1 = pb.add_buffer(tsram("t1", {PB::tile(1, 0)}, 0, 2 * n));
  pb.append(pb.queue(PB::tile(0, 0), EngineKind::kTileDma), make_copy({c0, 0}, {t0, 0}, n));
  pb.append(pb.queue(PB::tile(1, 0), EngineKind::kTileDma), make_copy({c1, 0}, {t1, 0}, 2 * n));
  const ProgramResult r = run_program(chip, finish(pb, chip));

  const Picos setup = cycles(chip, chip.tile.dma.setup_cycles);
  const double port = static_cast<double>(chip.tile.dma.bytes_per_cycle) * chip.clock_ghz;
  const double csram_peak =
      static_cast<double>(chip.cluster.csram.banks * chip.cluster.csram.bank_width_bytes) *
      chip.clock_ghz;
  const double tsram_peak =
      static_cast<double>(chip.tile.tsram.banks * chip.tile.tsram.bank_width_bytes) *
      chip.clock_ghz;
  const double bottleneck = std::min({port, csram_peak, tsram_peak});
  // Pipeline allowance: both SRAM latencies, the first chunk's CSRAM read before the port
  // streams, and 1 ps of rounding per chunk.
  const auto chunks =
      static_cast<Picos>(2 * n / static_cast<std::uint64_t>(chip.tile.dma.chunk_bytes));
  const Picos allowance =
      cycles(chip, chip.cluster.csram.latency_cycles + chip.tile.tsram.latency_cycles) +
      transfer_ps(static_cast<double>(chip.tile.dma.chunk_bytes), csram_peak) + chunks;
  const Picos s1 = span(r, "c0.t0.dma", 0).length();
  const Picos s2 = span(r, "c1.t0.dma", 0).length();
  EXPECT_GE(s1, setup + transfer_ps(static_cast<double>(n), bottleneck));
  EXPECT_LE(s1, setup + transfer_ps(static_cast<double>(n), bottleneck) + allowance);
  EXPECT_GE(s2, setup + transfer_ps(static_cast<double>(2 * n), bottleneck));
  EXPECT_LE(s2, setup + transfer_ps(static_cast<double>(2 * n), bottleneck) + allowance);
  // Doubling N doubles the transfer part, up to the fixed pipeline part.
  const Picos x1 = s1 - setup, x2 = s2 - setup;
  EXPECT_LE(x2, 2 * x1);
  EXPECT_GE(x2, 2 * x1 - allowance);
  // Conservation: every byte read from CSRAM is written to TSRAM, once.
  EXPECT_DOUBLE_EQ(r.csram_read_bytes, static_cast<double>(3 * n));
  EXPECT_DOUBLE_EQ(r.tsram_write_bytes, static_cast<double>(3 * n));
  EXPECT_DOUBLE_EQ(r.hbm_read_bytes + r.hbm_write_bytes, 0.0);
}

// ---------------------------------------------------------------------------------------------
// (d) Cluster DMA from HBM

TEST(ClusterDmaTiming, HbmToCsramBoundedByPeaksAndLatency) {
  const ChipConfig chip;
  const std::uint64_t n = 1 << 20;
  PB pb("cluster_dma");
  const int h = pb.add_buffer({"h", MemorySpace::kHbm, -1, {}, 0, n});
  const int c = pb.add_buffer(csram("c", 0, 0, n));
  pb.append(pb.queue(PB::cluster(0), EngineKind::kClusterDma, 0), make_copy({h, 0}, {c, 0}, n));
  const ProgramResult r = run_program(chip, finish(pb, chip));

  const Picos setup = cycles(chip, chip.cluster.dma.setup_cycles);
  const Picos s = span(r, "c0.dma0", 0).length();
  const double port = static_cast<double>(chip.cluster.dma.bytes_per_cycle) * chip.clock_ghz;
  const double ceiling = std::min({hbm_peak_gbps(chip.hbm), port, noc_link_gbps(chip.gnoc)});
  // Everything reaches the cluster through its one GNOC ejection port and the DMA port.
  EXPECT_LE(gbytes_per_s(static_cast<double>(n), s - setup), ceiling);
  EXPECT_GE(s, setup + transfer_ps(static_cast<double>(n), ceiling));
  const HbmTiming t = HbmTiming::from_config(chip.hbm);
  const Picos unloaded = t.tRCD_rd + t.tCL + t.tBL + t.controller_latency;
  EXPECT_GT(s, setup + unloaded);
  // Conservation: N bytes read from HBM, written to CSRAM; each crosses at least the source
  // stack's injection and the cluster's ejection link.
  EXPECT_DOUBLE_EQ(r.hbm_read_bytes, static_cast<double>(n));
  EXPECT_DOUBLE_EQ(r.hbm_write_bytes, 0.0);
  EXPECT_DOUBLE_EQ(r.csram_write_bytes, static_cast<double>(n));
  EXPECT_GE(r.noc_link_bytes, 2.0 * static_cast<double>(n));
}

// ---------------------------------------------------------------------------------------------
// (e) Semaphores

TEST(SemaphoreTiming, CrossTileSignalOrdersConsumerAfterProducer) {
  const ChipConfig chip;
  PB pb("sem");
  const auto t0 = PB::tile(0, 0), t1 = PB::tile(0, 1);
  const std::int64_t d = 32;
  const std::uint64_t ab = dtype_bytes(DType::kFp8, d * d), cb = dtype_bytes(DType::kBf16, d * d);
  const int a = pb.add_buffer(tsram("A", {t0}, 0, ab));
  const int b = pb.add_buffer(tsram("B", {t0}, ab, ab));
  const int c = pb.add_buffer(tsram("C", {t0, t1}, 2 * ab, cb));
  const int out = pb.add_buffer(tsram("out", {t1}, 2 * ab + cb, cb));
  const int s = pb.add_semaphore("c_ready", t1);  // home: the waiter's tile, as the loader defaults
  Instruction g = gemm_on_tile(d, d, d, DType::kFp8, a, b, c);
  g.signals = {sem(s)};
  pb.append(pb.queue(t0, EngineKind::kTtu), g);
  Instruction v = vector_op("copy", d * d, DType::kBf16, {{c, 0}}, {out, 0});
  v.waits = {sem(s)};
  pb.append(pb.queue(t1, EngineKind::kTvp), v);
  const ProgramResult r = run_program(chip, finish(pb, chip));

  const Span p = span(r, "c0.t0.ttu", 0), q = span(r, "c0.t1.tvp", 0);
  const Picos dispatch = cycles(chip, chip.tile.tcp_dispatch_cycles);
  const Picos one_cycle = cycles(chip, 1);
  // Tile -> cluster control fabric -> tile: one hop each way.
  const Picos signal = std::max(one_cycle, 2 * hop_ps(chip));
  EXPECT_GE(q.start, p.end + one_cycle);
  EXPECT_EQ(q.start, p.end + signal + dispatch);
  EXPECT_GT(engine(r, "c0.t1.tvp").semaphore_wait_ns, 0.0);
}

TEST(SemaphoreTiming, SameTileSignalIsFasterThanCrossCluster) {
  const ChipConfig chip;
  ASSERT_GE(chip.clusters, 2);
  const int far = static_cast<int>(chip.clusters) - 1;
  PB pb("sem_far");
  const auto t0 = PB::tile(0, 0), tf = PB::tile(far, 0);
  const int near_s = pb.add_semaphore("near", t0);
  const int far_s = pb.add_semaphore("far", tf);
  Instruction p = scalar(100);
  p.signals = {sem(near_s), sem(far_s)};
  pb.append(pb.queue(t0, EngineKind::kTcp), p);
  const std::uint64_t bytes = dtype_bytes(DType::kBf16, 256);
  const int x = pb.add_buffer(tsram("x", {t0}, 0, bytes));
  const int y = pb.add_buffer(tsram("y", {t0}, bytes, bytes));
  Instruction v = vector_op("copy", 256, DType::kBf16, {{x, 0}}, {y, 0});
  v.waits = {sem(near_s)};
  pb.append(pb.queue(t0, EngineKind::kTvp), v);
  Instruction w = scalar(10);
  w.waits = {sem(far_s)};
  pb.append(pb.queue(tf, EngineKind::kTcp), w);
  const ProgramResult r = run_program(chip, finish(pb, chip));

  const Picos dispatch = cycles(chip, chip.tile.tcp_dispatch_cycles);
  const Span prod = span(r, "c0.t0.tcp", 0);
  const Picos near_lat = span(r, "c0.t0.tvp", 0).start - dispatch - prod.end;
  const Picos far_lat = span(r, fmt::format("c{}.t0.tcp", far), 0).start - dispatch - prod.end;
  // Same tile: one cycle.
  EXPECT_EQ(near_lat, cycles(chip, 1));
  // Cross cluster: tile->cluster hop, the control plane from cluster 0's router to the far
  // cluster's (injection + XY links + ejection, each a hop, plus one message serialisation),
  // cluster->tile hop.
  const auto& g = chip.gnoc;
  const std::int64_t ra = g.cluster_routers[0],
                     rb = g.cluster_routers[static_cast<std::size_t>(far)];
  const std::int64_t manhattan =
      std::abs(ra % g.mesh_cols - rb % g.mesh_cols) + std::abs(ra / g.mesh_cols - rb / g.mesh_cols);
  const Picos control =
      (manhattan + 2) * hop_ps(chip) +
      transfer_ps(static_cast<double>(g.control_message_bytes),
                  static_cast<double>(g.control_link_bytes_per_cycle) * g.clock_ghz);
  EXPECT_EQ(far_lat, 2 * hop_ps(chip) + control);
  EXPECT_LT(near_lat, far_lat);
}

TEST(SemaphoreTiming, CountsAndInitialValues) {
  const ChipConfig chip;
  PB pb("sem_counts");
  const auto t00 = PB::tile(0, 0), t10 = PB::tile(1, 0), t11 = PB::tile(1, 1);
  const int s = pb.add_semaphore("twice", t00);
  const int i1 = pb.add_semaphore("preset", t10, 1);
  const int j = pb.add_semaphore("one_short", t11, 1);
  // c0.t0.tcp signals `twice` two times; the TVP of the same tile waits for both.
  Instruction p1 = scalar(100), p2 = scalar(100);
  p1.signals = {sem(s)};
  p2.signals = {sem(s)};
  pb.append(pb.queue(t00, EngineKind::kTcp), p1);
  pb.append(pb.queue(t00, EngineKind::kTcp), p2);
  const std::uint64_t bytes = dtype_bytes(DType::kBf16, 256);
  const int x = pb.add_buffer(tsram("x", {t00}, 0, bytes));
  const int y = pb.add_buffer(tsram("y", {t00}, bytes, bytes));
  Instruction w = vector_op("copy", 256, DType::kBf16, {{x, 0}}, {y, 0});
  w.waits = {sem(s, 2)};
  pb.append(pb.queue(t00, EngineKind::kTvp), w);
  // `preset` starts at 1: a wait for 1 passes at once, and its instruction signals `one_short`.
  Instruction q = scalar(50);
  q.waits = {sem(i1, 1)};
  q.signals = {sem(j)};
  pb.append(pb.queue(t10, EngineKind::kTcp), q);
  // `one_short` starts at 1 and needs 2: it waits for the one signal.
  Instruction z = scalar(5);
  z.waits = {sem(j, 2)};
  pb.append(pb.queue(t11, EngineKind::kTcp), z);
  const ProgramResult r = run_program(chip, finish(pb, chip));

  const Picos dispatch = cycles(chip, chip.tile.tcp_dispatch_cycles);
  const Span second = span(r, "c0.t0.tcp", 1);
  const Span waiter = span(r, "c0.t0.tvp", 0);
  EXPECT_EQ(waiter.start, second.end + cycles(chip, 1) + dispatch);  // needs both signals
  EXPECT_GT(waiter.start, span(r, "c0.t0.tcp", 0).end + cycles(chip, 1) + dispatch);
  const Span pre = span(r, "c1.t0.tcp", 0);
  EXPECT_EQ(pre.start, dispatch);  // initial value honoured: no wait
  EXPECT_EQ(pre.length(), cycles(chip, 50));
  EXPECT_EQ(span(r, "c1.t1.tcp", 0).start, pre.end + 2 * hop_ps(chip) + dispatch);
}

// ---------------------------------------------------------------------------------------------
// (f) Deadlock

TEST(SemaphoreTiming, MutualWaitIsReportedAsDeadlock) {
  const ChipConfig chip;
  PB pb("deadlock");
  const auto a = PB::tile(0, 0), b = PB::tile(0, 1);
  const int sa = pb.add_semaphore("from_a", b);
  const int sb = pb.add_semaphore("from_b", a);
  Instruction ia = scalar(10);
  ia.waits = {sem(sb, 1)};
  ia.signals = {sem(sa)};
  Instruction ib = scalar(10);
  ib.waits = {sem(sa, 2)};
  ib.signals = {sem(sb)};
  pb.append(pb.queue(a, EngineKind::kTcp), ia);
  pb.append(pb.queue(b, EngineKind::kTcp), ib);
  const Program p = finish(pb, chip);
  try {
    run_program(chip, p);
    FAIL() << "deadlock not detected";
  } catch (const SimulationError& e) {
    const std::string msg = e.what();
    for (const std::string& f : std::vector<std::string>{
             "deadlock", "c0.t0.tcp", "c0.t1.tcp", p.queues[0].instructions[0].where,
             p.queues[1].instructions[0].where, "from_b (has 0, needs 1)",
             "from_a (has 0, needs 2)"})
      EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
  }
}

TEST(SemaphoreTiming, WaitNobodySignalsThrows) {
  const ChipConfig chip;
  PB pb("orphan");
  const auto t = PB::tile(2, 3);
  const int s = pb.add_semaphore("never", t);
  pb.append(pb.queue(t, EngineKind::kTcp), scalar(10));
  Instruction w = scalar(10);
  w.waits = {sem(s)};
  pb.append(pb.queue(t, EngineKind::kTcp), w);
  try {
    run_program(chip, finish(pb, chip));
    FAIL() << "unsignalled wait not detected";
  } catch (const SimulationError& e) {
    const std::string msg = e.what();
    for (const std::string& f :
         std::vector<std::string>{"c2.t3.tcp", "instruction 1", "never (has 0, needs 1)"})
      EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
  }
}

// ---------------------------------------------------------------------------------------------
// (g) TCP and (h) host command path

TEST(TcpTiming, ScalarOpTakesItsCycles) {
  const ChipConfig chip;
  PB pb("tcp");
  const auto t = PB::tile(3, 8);
  for (std::int64_t c : {1234, 0, 1}) pb.append(pb.queue(t, EngineKind::kTcp), scalar(c));
  const ProgramResult r = run_program(chip, finish(pb, chip));
  const Picos dispatch = cycles(chip, chip.tile.tcp_dispatch_cycles);
  EXPECT_EQ(span(r, "c3.t8.tcp", 0).start, dispatch);
  EXPECT_EQ(span(r, "c3.t8.tcp", 0).length(), cycles(chip, 1234));
  EXPECT_EQ(span(r, "c3.t8.tcp", 1).length(), 0);
  EXPECT_EQ(span(r, "c3.t8.tcp", 1).start, span(r, "c3.t8.tcp", 0).end + dispatch);
  EXPECT_EQ(span(r, "c3.t8.tcp", 2).length(), cycles(chip, 1));
  EXPECT_NEAR(r.time_ns, ps_to_ns(3 * dispatch + cycles(chip, 1235)), 1e-6);
}

TEST(HostTiming, CommandLatencyIsPcieThenFirmware) {
  const ChipConfig chip;
  PB pb("cmd");
  Instruction cmd;
  cmd.op = OpCode::kCommand;
  cmd.bytes = 64;
  pb.append(pb.queue(PB::host(), EngineKind::kHostCommand), cmd);
  const ProgramResult r = run_program(chip, finish(pb, chip));
  const Span s = span(r, "host_cmd", 0);
  const auto& p = chip.pcie;
  const Picos latency = ns_to_ps(p.latency_ns);
  const Picos firmware = cycles(chip, p.command_processing_cycles);
  const std::uint64_t tlps = (cmd.bytes + static_cast<std::uint64_t>(p.max_payload_bytes) - 1) /
                             static_cast<std::uint64_t>(p.max_payload_bytes);
  const std::uint64_t wire = cmd.bytes + tlps * static_cast<std::uint64_t>(p.tlp_overhead_bytes);
  const Picos link = transfer_ps(static_cast<double>(wire),
                                 p.lanes * p.gtps_per_lane / 8.0 * p.encoding_efficiency);
  EXPECT_GE(s.length(), latency + firmware);
  EXPECT_EQ(s.length(), link + latency + firmware);
  EXPECT_DOUBLE_EQ(r.pcie_h2d_bytes, static_cast<double>(cmd.bytes));
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
