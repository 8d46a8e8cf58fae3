#include "maia/kernels/gemm_kernel.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"
#include "maia/hw/tile/ttu.hpp"
#include "maia/program/program_builder.hpp"
#include "maia/program/program_loader.hpp"
#include "maia/workload/operator.hpp"

namespace maia {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

struct Block {
  std::int64_t row, col;  // block coordinates in C
};

// Block rows per band of a cluster's wave order: about sqrt(tiles), so that a wave of `tiles`
// blocks is a near-square patch sharing A panels along rows and B panels along columns.
std::int64_t band_rows(std::int64_t tiles) {
  return std::max<std::int64_t>(1,
                                static_cast<std::int64_t>(std::sqrt(static_cast<double>(tiles))));
}

// Blocks of one cluster's region in wave order: bands of `band` rows, column by column.
std::vector<Block> region_order(std::int64_t r0, std::int64_t r1, std::int64_t c0, std::int64_t c1,
                                std::int64_t band) {
  std::vector<Block> out;
  for (std::int64_t b = r0; b < r1; b += band)
    for (std::int64_t c = c0; c < c1; ++c)
      for (std::int64_t r = b; r < std::min(r1, b + band); ++r) out.push_back({r, c});
  return out;
}

// Cluster regions: a cr x cc grid of rectangles of blocks.
struct RegionGrid {
  std::int64_t rows = 1, cols = 1;
};
// Every way to arrange the clusters as a rows x cols grid.
std::vector<RegionGrid> region_grids(std::int64_t clusters) {
  std::vector<RegionGrid> out;
  for (std::int64_t d = 1; d <= clusters; ++d)
    if (clusters % d == 0) out.push_back({d, clusters / d});
  return out;
}

// Waves the busiest cluster runs for a given block grid.
std::int64_t max_waves(std::int64_t block_rows, std::int64_t block_cols, const RegionGrid& g,
                       std::int64_t tiles) {
  std::int64_t worst = 0;
  for (std::int64_t ri = 0; ri < g.rows; ++ri)
    for (std::int64_t ci = 0; ci < g.cols; ++ci) {
      const std::int64_t r = (ri + 1) * block_rows / g.rows - ri * block_rows / g.rows;
      const std::int64_t c = (ci + 1) * block_cols / g.cols - ci * block_cols / g.cols;
      worst = std::max(worst, ceil_div(r * c, tiles));
    }
  return worst;
}

// HBM bytes a block order moves (an estimate for planning): each cluster region loads its B
// columns once per band of block rows and its A rows once per wave of block columns.
double planned_hbm_bytes(const GemmSpec& s, std::int64_t block_rows, std::int64_t block_cols,
                         const RegionGrid& g, std::int64_t tiles) {
  const std::int64_t band = band_rows(tiles);
  const std::int64_t region_rows = ceil_div(block_rows, g.rows);
  const std::int64_t region_cols = ceil_div(block_cols, g.cols);
  const double a =
      static_cast<double>(dtype_bytes(s.a_dtype, static_cast<std::uint64_t>(s.m * s.k)));
  const double b =
      static_cast<double>(dtype_bytes(s.b_dtype, static_cast<std::uint64_t>(s.k * s.n)));
  const double c =
      static_cast<double>(dtype_bytes(s.out_dtype, static_cast<std::uint64_t>(s.m * s.n)));
  const std::int64_t wave_cols = std::max<std::int64_t>(1, tiles / std::min(band, region_rows));
  return b * static_cast<double>(g.rows * ceil_div(region_rows, band)) +
         a * static_cast<double>(g.cols * ceil_div(region_cols, wave_cols)) + c;
}

// Chooses block sizes. Candidates are multiples of the TTU tile up to 512 whose double-buffered
// FP32 accumulators and operand slots fit TSRAM. Each (block, cluster grid) is scored by its
// estimated time: the busiest cluster's TTU cycles (waves x operand tiles per block x K steps,
// which charges partial blocks and idle tiles in the last wave) or the HBM time of the operand
// traffic its block order causes, whichever is longer; ties go to fewer TTU cycles, then larger
// blocks, then the squarer grid. Clearly compute-bound GEMMs also need at least 60% of the area
// of the largest square block that fits (smaller blocks re-read operands through the SRAMs, which
// the estimate leaves out); the others may take any block, so that their weights stream from HBM
// once. Decode-shaped GEMMs (fewer than 4 operand tiles of rows) keep all rows in one block.
// Then the deepest K chunk that fits what is left of TSRAM.
GemmPlan plan_blocks(const ChipConfig& chip, const GemmSpec& s) {
  const TtuConfig& ttu = chip.tile.ttu;
  const GemmCost unit = gemm_cost(ttu, 1, 1, 1, s.a_dtype, s.b_dtype);
  const auto tsram = tsram_budget(s.place, static_cast<std::uint64_t>(chip.tile.tsram.bytes));
  auto operands_fit = [&](std::int64_t bm, std::int64_t bn, std::int64_t k) {
    const std::uint64_t acc = dtype_bytes(DType::kFp32, static_cast<std::uint64_t>(bm * bn));
    if (2 * acc >= tsram) return false;
    const std::uint64_t a = dtype_bytes(s.a_dtype, static_cast<std::uint64_t>(bm * k));
    const std::uint64_t b = dtype_bytes(s.b_dtype, static_cast<std::uint64_t>(k * bn));
    return 2 * (a + b) <= tsram - 2 * acc;
  };
  std::int64_t largest = 0;
  for (std::int64_t b = ttu.tile_m * ceil_div(512, ttu.tile_m); b >= ttu.tile_m && largest == 0;
       b -= ttu.tile_m)
    if (operands_fit(std::min(b, s.m), std::min(b, s.n), unit.k_step)) largest = b;
  // Roofline of the ideal traffic (every operand once). Clearly compute-bound GEMMs (compute at
  // least twice the memory time) keep large blocks; the rest may take any block, so that their
  // weights stream once and every tile gets work.
  const double hbm_bytes_per_ns = hbm_peak_gbps(chip.hbm);
  const auto ideal_bytes =
      static_cast<double>(dtype_bytes(s.a_dtype, static_cast<std::uint64_t>(s.m * s.k)) +
                          dtype_bytes(s.b_dtype, static_cast<std::uint64_t>(s.k * s.n)) +
                          dtype_bytes(s.out_dtype, static_cast<std::uint64_t>(s.m * s.n)));
  const double peak_macs_per_ns = static_cast<double>(unit.macs_per_cycle) * chip.clock_ghz *
                                  static_cast<double>(chip.enabled_tiles());
  const bool compute_bound = static_cast<double>(s.m) * static_cast<double>(s.n) *
                                 static_cast<double>(s.k) / peak_macs_per_ns >=
                             2.0 * ideal_bytes / hbm_bytes_per_ns;
  const std::int64_t k_steps = ceil_div(s.k, unit.k_step);
  GemmPlan best;
  double best_ns = 0;
  std::int64_t best_cost = 0;
  for (std::int64_t bm = ttu.tile_m * ceil_div(512, ttu.tile_m); bm >= ttu.tile_m;
       bm -= ttu.tile_m) {
    for (std::int64_t bn = ttu.tile_n * ceil_div(512, ttu.tile_n); bn >= ttu.tile_n;
         bn -= ttu.tile_n) {
      const std::int64_t m = std::min(bm, s.m), n = std::min(bn, s.n);
      if (m != bm && bm != ttu.tile_m * ceil_div(s.m, ttu.tile_m))
        continue;  // one size covers small M
      if (n != bn && bn != ttu.tile_n * ceil_div(s.n, ttu.tile_n)) continue;
      if (!operands_fit(m, n, unit.k_step)) continue;
      // Decode-shaped GEMMs (few rows) stream B once in one block row, and need enough blocks
      // to keep every tile streaming.
      const bool decode_shaped = s.m < 4 * ttu.tile_m;
      if (decode_shaped && m < s.m) continue;  // all rows in one block: B is streamed once
      if (!decode_shaped && compute_bound &&
          10 * m * n < 6 * std::min(largest, s.m) * std::min(largest, s.n))
        continue;
      const std::int64_t rows = ceil_div(s.m, m), cols = ceil_div(s.n, n);
      for (const RegionGrid& grid : region_grids(chip.clusters)) {
        // TTU cycles per K step of the busiest cluster. Decode-shaped (streaming B): fewest
        // waves first, then the most tiles streaming in a wave.
        const std::int64_t waves = max_waves(rows, cols, grid, chip.enabled_tiles_per_cluster);
        const std::int64_t cost =
            decode_shaped
                ? waves * 1000 - std::min<std::int64_t>(ceil_div(rows * cols, chip.clusters),
                                                        chip.enabled_tiles_per_cluster)
                : waves * ceil_div(m, ttu.tile_m) * ceil_div(n, ttu.tile_n);
        const double compute_ns = static_cast<double>(waves * ceil_div(m, ttu.tile_m) *
                                                      ceil_div(n, ttu.tile_n) * k_steps) /
                                  chip.clock_ghz;
        const double memory_ns =
            planned_hbm_bytes(s, rows, cols, grid, chip.enabled_tiles_per_cluster) /
            hbm_bytes_per_ns;
        const double est_ns = std::max(compute_ns, memory_ns);
        // Ties: fewer TTU cycles, larger blocks (more reuse), then the squarer cluster grid
        // (shorter panels).
        const auto squareness = [](std::int64_t r, std::int64_t c) { return std::abs(r - c); };
        const bool better =
            best.bm == 0 || est_ns < best_ns ||
            (est_ns == best_ns &&
             (cost < best_cost ||
              (cost == best_cost && (m * n > best.bm * best.bn ||
                                     (m * n == best.bm * best.bn &&
                                      squareness(grid.rows, grid.cols) <
                                          squareness(best.region_rows, best.region_cols))))));
        if (better) {
          best.bm = m;
          best.bn = n;
          best.block_rows = rows;
          best.block_cols = cols;
          best.region_rows = grid.rows;
          best.region_cols = grid.cols;
          best_ns = est_ns;
          best_cost = cost;
        }
      }
    }
  }
  if (best.bm == 0)
    throw InputError(
        fmt::format("gemm {}x{}x{}: no block size fits TSRAM ({} bytes)", s.m, s.n, s.k, tsram));
  // Deep K chunks amortise per-instruction costs, but the pipeline needs several of them to
  // overlap loads with compute: aim for at least 8 chunks, never below 512 deep.
  std::int64_t bk = unit.k_step;
  const std::int64_t pipelined =
      std::max<std::int64_t>(512, ceil_div(ceil_div(s.k, 8), unit.k_step) * unit.k_step);
  const std::int64_t k_cap =
      std::min<std::int64_t>({ceil_div(s.k, unit.k_step) * unit.k_step, 4096, pipelined});
  while (bk + unit.k_step <= k_cap && operands_fit(best.bm, best.bn, bk + unit.k_step))
    bk += unit.k_step;
  best.bk = std::min(bk, s.k);
  best.k_chunks = ceil_div(s.k, best.bk);
  return best;
}

}  // namespace

GemmKernel build_gemm_kernel(const ChipConfig& chip, const GemmSpec& s) {
  if (s.m <= 0 || s.n <= 0 || s.k <= 0)
    throw InputError(fmt::format("gemm: m, n and k must be >= 1, got {}x{}x{}", s.m, s.n, s.k));
  check_operator_scale(GemmShape{s.m, s.n, s.k, s.a_dtype, s.b_dtype, s.out_dtype}, "gemm");
  if (chip.cluster.dma_queues < 5)
    throw InputError(
        fmt::format("gemm kernel: needs 5 cluster DMA queues, cluster.dma_queues is {}",
                    chip.cluster.dma_queues));
  GemmPlan plan = plan_blocks(chip, s);
  const std::int64_t T = chip.enabled_tiles_per_cluster;
  const std::int64_t band = band_rows(T);
  const auto a_block = dtype_bytes(s.a_dtype, static_cast<std::uint64_t>(plan.bm * plan.bk));
  const auto b_block = dtype_bytes(s.b_dtype, static_cast<std::uint64_t>(plan.bk * plan.bn));
  const auto c_block = dtype_bytes(s.out_dtype, static_cast<std::uint64_t>(plan.bm * plan.bn));
  const auto acc_block = dtype_bytes(DType::kFp32, static_cast<std::uint64_t>(plan.bm * plan.bn));
  const auto slot_bytes = static_cast<std::uint64_t>(T) * (a_block + b_block);
  const auto stage_bytes = static_cast<std::uint64_t>(T) * c_block;
  const std::uint64_t csram_budget = s.place.csram_bytes
                                         ? s.place.csram_bytes
                                         : static_cast<std::uint64_t>(chip.cluster.csram.bytes);
  // Resident weights: each cluster keeps its columns of B for every K chunk in CSRAM.
  const std::uint64_t resident_bytes =
      s.weights_resident
          ? b_block *
                static_cast<std::uint64_t>(
                    plan.k_chunks * ((plan.block_cols + plan.region_cols - 1) / plan.region_cols))
          : 0;
  if (2 * slot_bytes + 2 * stage_bytes + resident_bytes > csram_budget)
    throw InputError(
        fmt::format("gemm kernel: CSRAM staging{} needs {} bytes, its CSRAM budget is {}",
                    s.weights_resident ? " and resident weights" : "",
                    2 * slot_bytes + 2 * stage_bytes + resident_bytes, csram_budget));
  const int prefetched = static_cast<int>(std::clamp<std::int64_t>(s.prefetched_steps, 0, 2));

  ProgramBuilder pb(fmt::format("gemm_{}x{}x{}_{}x{}", s.m, s.n, s.k, dtype_name(s.a_dtype),
                                dtype_name(s.b_dtype)));
  // HBM: pre-tiled operands and result.
  const std::uint64_t a_bytes =
      a_block * static_cast<std::uint64_t>(plan.block_rows * plan.k_chunks);
  const std::uint64_t b_bytes =
      b_block * static_cast<std::uint64_t>(plan.k_chunks * plan.block_cols);
  const std::uint64_t c_bytes =
      c_block * static_cast<std::uint64_t>(plan.block_rows * plan.block_cols);
  const std::uint64_t hb = s.place.hbm_base, cb0 = s.place.csram_base;
  const int hA = pb.add_buffer({"A", MemorySpace::kHbm, -1, {}, hb, a_bytes});
  const int hB = pb.add_buffer({"B", MemorySpace::kHbm, -1, {}, hb + a_bytes, b_bytes});
  const int hC = pb.add_buffer({"C", MemorySpace::kHbm, -1, {}, hb + a_bytes + b_bytes, c_bytes});
  std::vector<PrefetchCopy> prefetch;
  // TSRAM of every enabled tile: two A slots, two B slots, two FP32 accumulators.
  std::vector<Location> all_tiles;
  for (int c = 0; c < chip.clusters; ++c)
    for (int t = 0; t < T; ++t) all_tiles.push_back(ProgramBuilder::tile(c, t));
  const int tA = pb.add_buffer({"tA", MemorySpace::kTsram, -1, all_tiles, 0, 2 * a_block});
  const int tB =
      pb.add_buffer({"tB", MemorySpace::kTsram, -1, all_tiles, 2 * a_block, 2 * b_block});
  const int tC = pb.add_buffer(
      {"tC", MemorySpace::kTsram, -1, all_tiles, 2 * (a_block + b_block), 2 * acc_block});

  const std::int64_t cr = plan.region_rows, cc = plan.region_cols;

  // HBM traffic the program moves: the C it writes (unpadded), plus every operand load below.
  double hbm_bytes =
      static_cast<double>(dtype_bytes(s.out_dtype, static_cast<std::uint64_t>(s.m * s.n)));
  for (int c = 0; c < chip.clusters; ++c) {
    const std::int64_t ri = c / cc, ci = c % cc;
    const std::int64_t r0 = ri * plan.block_rows / cr, r1 = (ri + 1) * plan.block_rows / cr;
    const std::int64_t c0 = ci * plan.block_cols / cc, c1 = (ci + 1) * plan.block_cols / cc;
    const std::vector<Block> order = region_order(r0, r1, c0, c1, band);
    if (order.empty()) continue;
    const Location cl = ProgramBuilder::cluster(c);
    const int ops =
        pb.add_buffer({fmt::format("c{}.ops", c), MemorySpace::kCsram, c, {}, cb0, 2 * slot_bytes});
    const int stage = pb.add_buffer({fmt::format("c{}.cstage", c),
                                     MemorySpace::kCsram,
                                     c,
                                     {},
                                     cb0 + 2 * slot_bytes,
                                     2 * stage_bytes});
    const int wres = s.weights_resident ? pb.add_buffer({fmt::format("c{}.weights", c),
                                                         MemorySpace::kCsram,
                                                         c,
                                                         {},
                                                         cb0 + 2 * slot_bytes + 2 * stage_bytes,
                                                         resident_bytes})
                                        : -1;
    // Per operand slot x and side (0 = A, 1 = B): loaded (CSRAM slot filled), slot_free (its
    // multicasts are done with the CSRAM slot), tsram_free (tiles done with their TSRAM slot);
    // per C slot: cstaged (C blocks staged in CSRAM).
    int loaded[2][2], slot_free[2][2], tsram_free[2][2], cstaged[2];
    for (int x = 0; x < 2; ++x) {
      for (int side = 0; side < 2; ++side) {
        loaded[side][x] = pb.add_semaphore(fmt::format("c{}.loaded{}{}", c, "AB"[side], x), cl);
        slot_free[side][x] =
            pb.add_semaphore(fmt::format("c{}.slot_free{}{}", c, "AB"[side], x), cl);
        tsram_free[side][x] =
            pb.add_semaphore(fmt::format("c{}.tsram_free{}{}", c, "AB"[side], x), cl);
      }
      cstaged[x] = pb.add_semaphore(fmt::format("c{}.cstaged{}", c, x), cl);
    }
    std::vector<std::array<int, 2>> t_ops(static_cast<std::size_t>(T)),
        t_cdone(static_cast<std::size_t>(T)), t_cfree(static_cast<std::size_t>(T)),
        t_stagefree(static_cast<std::size_t>(T));
    for (int t = 0; t < T; ++t) {
      const Location tl = ProgramBuilder::tile(c, t);
      for (int x = 0; x < 2; ++x) {
        t_ops[static_cast<std::size_t>(t)][static_cast<std::size_t>(x)] =
            pb.add_semaphore(fmt::format("c{}.t{}.ops{}", c, t, x), tl);
        t_cdone[static_cast<std::size_t>(t)][static_cast<std::size_t>(x)] =
            pb.add_semaphore(fmt::format("c{}.t{}.c_done{}", c, t, x), tl);
        t_cfree[static_cast<std::size_t>(t)][static_cast<std::size_t>(x)] =
            pb.add_semaphore(fmt::format("c{}.t{}.c_free{}", c, t, x), tl);
        t_stagefree[static_cast<std::size_t>(t)][static_cast<std::size_t>(x)] =
            pb.add_semaphore(fmt::format("c{}.t{}.stage_free{}", c, t, x), tl);
      }
    }
    Queue* load_q[2] = {&pb.queue(cl, EngineKind::kClusterDma, 0),
                        &pb.queue(cl, EngineKind::kClusterDma, 2)};
    Queue* mc_q[2] = {&pb.queue(cl, EngineKind::kClusterDma, 1),
                      &pb.queue(cl, EngineKind::kClusterDma, 3)};
    Queue& wb_q = pb.queue(cl, EngineKind::kClusterDma, 4);

    const std::int64_t waves = ceil_div(static_cast<std::int64_t>(order.size()), T);
    plan.waves = std::max(plan.waves, waves);
    std::int64_t step = 0;
    std::int64_t prev_active[2] = {0, 0};  // tiles that used each operand slot last time
    for (std::int64_t w = 0; w < waves; ++w) {
      const std::size_t first = static_cast<std::size_t>(w * T);
      const std::size_t count =
          std::min<std::size_t>(static_cast<std::size_t>(T), order.size() - first);
      const auto cs = static_cast<std::size_t>(w % 2);
      // Distinct rows and columns of this wave, and which tiles need each.
      std::vector<std::int64_t> rows, cols;
      for (std::size_t i = 0; i < count; ++i) {
        const Block& b = order[first + i];
        if (std::find(rows.begin(), rows.end(), b.row) == rows.end()) rows.push_back(b.row);
        if (std::find(cols.begin(), cols.end(), b.col) == cols.end()) cols.push_back(b.col);
      }
      auto rows_of = [&](std::int64_t r) { return std::min(plan.bm, s.m - r * plan.bm); };
      auto cols_of = [&](std::int64_t cidx) { return std::min(plan.bn, s.n - cidx * plan.bn); };
      for (std::int64_t kj = 0; kj < plan.k_chunks; ++kj, ++step) {
        const auto x = static_cast<std::size_t>(step % 2);
        const std::int64_t kk = std::min(plan.bk, s.k - kj * plan.bk);
        const std::uint64_t slot = x * slot_bytes;
        // dma0 (A) and dma2 (B): load the wave's panels of this K chunk into CSRAM.
        for (int side = 0; side < 2; ++side) {
          std::vector<Instruction> loads;
          const auto& keys = side == 0 ? rows : cols;
          for (std::size_t i = 0; i < keys.size(); ++i) {
            const std::uint64_t bytes =
                side == 0
                    ? dtype_bytes(s.a_dtype, static_cast<std::uint64_t>(rows_of(keys[i]) * kk))
                    : dtype_bytes(s.b_dtype, static_cast<std::uint64_t>(kk * cols_of(keys[i])));
            const BufferRef src =
                side == 0
                    ? BufferRef{hA,
                                a_block * static_cast<std::uint64_t>(keys[i] * plan.k_chunks + kj)}
                    : BufferRef{
                          hB, b_block * static_cast<std::uint64_t>(kj * plan.block_cols + keys[i])};
            const std::uint64_t dst =
                side == 0 ? slot + i * a_block
                          : slot + static_cast<std::uint64_t>(T) * a_block + i * b_block;
            if (side == 1 && s.weights_resident) continue;  // B lives in CSRAM
            hbm_bytes += static_cast<double>(bytes);
            if (side == 1 && step < prefetched) {
              // Weights of the first steps were loaded by the previous operator's program.
              prefetch.push_back({c, hb + a_bytes + src.offset, cb0 + dst, bytes});
              continue;
            }
            loads.push_back(make_copy(src, {ops, dst}, bytes));
          }
          if (loads.empty()) {
            if (!s.weights_resident || side == 0)
              pb.set_initial(loaded[side][x], 1);  // the slot is already filled
            continue;
          }
          if (step >= 2) loads.front().waits.push_back(sem(slot_free[side][x]));
          loads.back().signals.push_back(sem(loaded[side][x]));
          for (auto& in : loads) pb.append(*load_q[side], std::move(in));
        }

        // dma1 (A panels) and dma3 (B panels): multicast each panel to the tiles that need it.
        // At most 3 signalled tiles per instruction, at most 2 in a queue's last instruction of
        // the step (which also frees the CSRAM slot).
        for (int side = 0; side < 2; ++side) {
          struct Cast {
            std::uint64_t src, bytes;
            std::vector<int> tiles;
          };
          std::vector<Cast> casts;
          const auto& keys = side == 0 ? rows : cols;
          for (std::size_t i = 0; i < keys.size(); ++i) {
            std::vector<int> tiles;
            for (std::size_t t = 0; t < count; ++t) {
              const Block& b = order[first + t];
              if ((side == 0 ? b.row : b.col) == keys[i]) tiles.push_back(static_cast<int>(t));
            }
            const std::uint64_t src =
                side == 0 ? slot + i * a_block
                : s.weights_resident
                    ? b_block * static_cast<std::uint64_t>((keys[i] - c0) * plan.k_chunks + kj)
                    : slot + static_cast<std::uint64_t>(T) * a_block + i * b_block;
            const std::uint64_t bytes =
                side == 0
                    ? dtype_bytes(s.a_dtype, static_cast<std::uint64_t>(rows_of(keys[i]) * kk))
                    : dtype_bytes(s.b_dtype, static_cast<std::uint64_t>(kk * cols_of(keys[i])));
            for (std::size_t j = 0; j < tiles.size(); j += 3)
              casts.push_back(
                  {src, bytes,
                   std::vector<int>(tiles.begin() + static_cast<std::ptrdiff_t>(j),
                                    tiles.begin() + static_cast<std::ptrdiff_t>(
                                                        std::min(tiles.size(), j + 3)))});
          }
          if (casts.back().tiles.size() == 3) {
            Cast tail = casts.back();
            tail.tiles = {casts.back().tiles.back()};
            casts.back().tiles.pop_back();
            casts.push_back(tail);
          }
          for (std::size_t i = 0; i < casts.size(); ++i) {
            Instruction in;
            in.op = OpCode::kMulticast;
            in.src = {side == 1 && s.weights_resident ? wres : ops, casts[i].src};
            in.dst = side == 0 ? BufferRef{tA, x * a_block} : BufferRef{tB, x * b_block};
            in.bytes = casts[i].bytes;
            for (int t : casts[i].tiles) {
              in.targets.push_back(ProgramBuilder::tile(c, t));
              in.signals.push_back(sem(t_ops[static_cast<std::size_t>(t)][x]));
            }
            if (i == 0) {
              if (side == 0 || !s.weights_resident) in.waits.push_back(sem(loaded[side][x]));
              if (step >= 2) in.waits.push_back(sem(tsram_free[side][x], prev_active[x]));
            }
            if (i + 1 == casts.size()) in.signals.push_back(sem(slot_free[side][x]));
            pb.append(*mc_q[side], std::move(in));
          }
        }
        prev_active[x] = static_cast<std::int64_t>(count);

        // TTU of each active tile: accumulate this chunk.
        for (std::size_t t = 0; t < count; ++t) {
          const Block& b = order[first + t];
          Queue& ttu = pb.queue(ProgramBuilder::tile(c, static_cast<int>(t)), EngineKind::kTtu);
          Instruction g =
              make_gemm(rows_of(b.row), cols_of(b.col), kk, s.a_dtype, {tA, x * a_block},
                        {tB, x * b_block}, {tC, cs * acc_block}, kj > 0);
          g.b_dtype = s.b_dtype;
          g.waits.push_back(sem(t_ops[t][x], 2));
          if (kj == 0 && w >= 2) g.waits.push_back(sem(t_cfree[t][cs]));
          g.signals.push_back(sem(tsram_free[0][x]));
          g.signals.push_back(sem(tsram_free[1][x]));
          if (kj + 1 == plan.k_chunks) g.signals.push_back(sem(t_cdone[t][cs]));
          pb.append(ttu, std::move(g));
        }
      }
      // Drain the finished C blocks: TSRAM -> CSRAM staging (converted) -> HBM.
      for (std::size_t t = 0; t < count; ++t) {
        const Block& b = order[first + t];
        const std::uint64_t elems = static_cast<std::uint64_t>(rows_of(b.row) * cols_of(b.col));
        Queue& tdma = pb.queue(ProgramBuilder::tile(c, static_cast<int>(t)), EngineKind::kTileDma);
        Instruction out = make_copy({tC, cs * acc_block}, {stage, cs * stage_bytes + t * c_block},
                                    dtype_bytes(DType::kFp32, elems));
        out.convert = true;
        out.src_dtype = DType::kFp32;
        out.dst_dtype = s.out_dtype;
        out.waits.push_back(sem(t_cdone[t][cs]));
        if (w >= 2) out.waits.push_back(sem(t_stagefree[t][cs]));
        out.signals.push_back(sem(t_cfree[t][cs]));
        out.signals.push_back(sem(cstaged[cs]));
        pb.append(tdma, std::move(out));

        Instruction wb =
            make_copy({stage, cs * stage_bytes + t * c_block},
                      {hC, c_block * static_cast<std::uint64_t>(b.row * plan.block_cols + b.col)},
                      dtype_bytes(s.out_dtype, elems));
        if (t == 0) wb.waits.push_back(sem(cstaged[cs], static_cast<std::int64_t>(count)));
        wb.signals.push_back(sem(t_stagefree[t][cs]));
        pb.append(wb_q, std::move(wb));
      }
    }
  }
  GemmKernel k{pb.build(), plan, std::move(prefetch), hB};
  k.plan.hbm_bytes = hbm_bytes;
  validate_program(k.program, chip);
  return k;
}

}  // namespace maia
