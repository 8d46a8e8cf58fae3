#include "maia/kernels/vector_kernel.hpp"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/kernels/dma_queue_plan.hpp"
#include "maia/program/program_builder.hpp"
#include "maia/program/program_loader.hpp"
#include "maia/program/vector_functions.hpp"

namespace maia {

int vector_function_inputs(const std::string& f) {
  if (f == "add" || f == "mul" || f == "swiglu" || f == "max") return 2;
  if (f == "fma") return 3;
  return 1;
}

Program build_vector_kernel(const ChipConfig& chip, const VectorSpec& s) {
  if (!find_vector_function(s.function))
    throw InputError(fmt::format("vector kernel: unknown TVP function \"{}\"", s.function));
  if (s.elements <= 0 || s.rows <= 0 || s.elements % s.rows != 0)
    throw InputError(
        fmt::format("vector kernel {}: elements ({}) must be a positive multiple of rows ({})",
                    s.function, s.elements, s.rows));
  const int T = static_cast<int>(chip.enabled_tiles_per_cluster);
  const int tiles = static_cast<int>(chip.enabled_tiles());
  const std::int64_t row_len = s.elements / s.rows;
  const std::uint64_t in_row = dtype_bytes(s.dtype, static_cast<std::uint64_t>(row_len));
  const std::uint64_t out_row = dtype_bytes(s.out_dtype, static_cast<std::uint64_t>(row_len));
  const std::uint64_t per_row = static_cast<std::uint64_t>(s.inputs) * in_row + out_row;
  // Chunk: the rows that fit a quarter of TSRAM per slot (two slots) and the cluster's staging.
  const auto tsram = tsram_budget(s.place, static_cast<std::uint64_t>(chip.tile.tsram.bytes));
  const auto csram = static_cast<std::uint64_t>(chip.cluster.csram.bytes);
  const std::uint64_t csram_budget = s.place.csram_bytes ? s.place.csram_bytes : csram;
  const std::uint64_t slot_budget =
      std::min(tsram / 4, csram_budget / (4 * static_cast<std::uint64_t>(T)));
  if (per_row > slot_budget)
    throw InputError(
        fmt::format("vector kernel {}: a row of {} elements needs {} bytes, a tile slot holds {}",
                    s.function, row_len, per_row, slot_budget));
  // Split rows over tiles; a single long row is split into element runs for elementwise ops.
  std::int64_t rows = s.rows, len = row_len;
  const bool rowwise = s.function == "softmax" || s.function == "rmsnorm" ||
                       s.function == "layernorm" || s.function == "topk" ||
                       s.function == "reduce_sum" || s.function == "reduce_max";
  if (!rowwise && rows < tiles) {
    // Re-cut an elementwise op into tiles x k pieces so that every tile works.
    const std::int64_t pieces =
        std::min<std::int64_t>(s.elements, static_cast<std::int64_t>(tiles) * 4);
    len = (s.elements + pieces - 1) / pieces;
    rows = (s.elements + len - 1) / len;
  }
  const std::uint64_t piece_in = dtype_bytes(s.dtype, static_cast<std::uint64_t>(len));
  const std::uint64_t piece_out = dtype_bytes(s.out_dtype, static_cast<std::uint64_t>(len));
  const std::uint64_t piece_all = static_cast<std::uint64_t>(s.inputs) * piece_in + piece_out;
  // As many rows per chunk as a slot holds, but no more than the busiest tile has (buffers are
  // sized to what is used, so small operators leave SRAM to the operators they overlap with).
  const std::int64_t rows_per_chunk = std::clamp<std::int64_t>(
      static_cast<std::int64_t>(slot_budget / piece_all), 1, (rows + tiles - 1) / tiles);

  ProgramBuilder pb(fmt::format("vector_{}_{}x{}", s.function, s.rows, row_len));
  const std::uint64_t total_in = piece_in * static_cast<std::uint64_t>(rows);
  const std::uint64_t total_out = piece_out * static_cast<std::uint64_t>(rows);
  std::vector<int> h_in;
  for (int i = 0; i < s.inputs; ++i)
    h_in.push_back(pb.add_buffer({fmt::format("in{}", i),
                                  MemorySpace::kHbm,
                                  -1,
                                  {},
                                  s.place.hbm_base + static_cast<std::uint64_t>(i) * total_in,
                                  total_in}));
  const int h_out =
      pb.add_buffer({"out",
                     MemorySpace::kHbm,
                     -1,
                     {},
                     s.place.hbm_base + static_cast<std::uint64_t>(s.inputs) * total_in,
                     total_out});
  const std::uint64_t chunk_in = piece_in * static_cast<std::uint64_t>(rows_per_chunk);
  const std::uint64_t chunk_out = piece_out * static_cast<std::uint64_t>(rows_per_chunk);
  const std::uint64_t slot = static_cast<std::uint64_t>(s.inputs) * chunk_in + chunk_out;
  std::vector<Location> all;
  for (int c = 0; c < chip.clusters; ++c)
    for (int t = 0; t < T; ++t) all.push_back(ProgramBuilder::tile(c, t));
  const int t_buf = pb.add_buffer({"t", MemorySpace::kTsram, -1, all, 0, 2 * slot});
  std::vector<int> c_buf;
  for (int c = 0; c < chip.clusters; ++c)
    c_buf.push_back(pb.add_buffer({fmt::format("c{}.stage", c),
                                   MemorySpace::kCsram,
                                   c,
                                   {},
                                   s.place.csram_base,
                                   2 * slot * static_cast<std::uint64_t>(T)}));
  const int queues = static_cast<int>(chip.cluster.dma_queues);
  for (int g = 0; g < tiles; ++g) {
    // Tile g's rows: a balanced contiguous share.
    const std::int64_t r0 = rows * g / tiles, r1 = rows * (g + 1) / tiles;
    if (r0 == r1) continue;
    const int c = g / T, t = g % T;
    const Location tl = ProgramBuilder::tile(c, t), cl = ProgramBuilder::cluster(c);
    auto tile_sem = [&](const char* what, int x) {
      return pb.add_semaphore(fmt::format("c{}.t{}.{}{}", c, t, what, x), tl);
    };
    auto cluster_sem = [&](const char* what, int x) {
      return pb.add_semaphore(fmt::format("c{}.t{}.{}{}", c, t, what, x), cl);
    };
    int loaded[2], in_ready[2], tin_free[2], out_ready[2], tout_free[2], cin_free[2], staged[2],
        cout_free[2];
    for (int x = 0; x < 2; ++x) {
      loaded[x] = tile_sem("loaded", x);
      in_ready[x] = tile_sem("in_ready", x);
      tin_free[x] = tile_sem("tin_free", x);
      out_ready[x] = tile_sem("out_ready", x);
      tout_free[x] = tile_sem("tout_free", x);
      cin_free[x] = cluster_sem("cin_free", x);
      staged[x] = cluster_sem("staged", x);
      cout_free[x] = cluster_sem("cout_free", x);
    }
    // Separate in-order queues per tile where the cluster has enough (a shared queue couples
    // tiles: one tile's wait would hold back another's transfers).
    const DmaQueuePlan qp = plan_dma_queues(queues, T, t);
    Queue& load_q = pb.queue(cl, EngineKind::kClusterDma, qp.load);
    Queue& store_q = pb.queue(cl, EngineKind::kClusterDma, qp.store);
    Queue& tdma = pb.queue(tl, EngineKind::kTileDma);
    Queue& tvp = pb.queue(tl, EngineKind::kTvp);
    const std::uint64_t cbase = static_cast<std::uint64_t>(t) * 2 * slot;
    std::vector<Instruction> outs;  // tile DMA drains, interleaved one chunk behind the loads
    std::int64_t j = 0;
    for (std::int64_t r = r0; r < r1; r += rows_per_chunk, ++j) {
      const std::int64_t n_rows = std::min(rows_per_chunk, r1 - r);
      const auto x = static_cast<std::size_t>(j % 2);
      const std::uint64_t in_bytes = piece_in * static_cast<std::uint64_t>(n_rows);
      const std::uint64_t out_bytes = piece_out * static_cast<std::uint64_t>(n_rows);
      const std::uint64_t cs = cbase + x * slot, ts = x * slot;
      // Cluster DMA: inputs HBM -> CSRAM.
      for (int i = 0; i < s.inputs; ++i) {
        Instruction in = make_copy(
            {h_in[static_cast<std::size_t>(i)], piece_in * static_cast<std::uint64_t>(r)},
            {c_buf[static_cast<std::size_t>(c)], cs + static_cast<std::uint64_t>(i) * chunk_in},
            in_bytes);
        if (i == 0 && j >= 2) in.waits.push_back(sem(cin_free[x]));
        if (i + 1 == s.inputs) in.signals.push_back(sem(loaded[x]));
        pb.append(load_q, std::move(in));
      }
      // Tile DMA: CSRAM -> TSRAM (the previous chunk's drain goes after this chunk's fill).
      for (int i = 0; i < s.inputs; ++i) {
        Instruction in = make_copy(
            {c_buf[static_cast<std::size_t>(c)], cs + static_cast<std::uint64_t>(i) * chunk_in},
            {t_buf, ts + static_cast<std::uint64_t>(i) * chunk_in}, in_bytes);
        if (i == 0) {
          in.waits.push_back(sem(loaded[x]));
          if (j >= 2) in.waits.push_back(sem(tin_free[x]));
        }
        if (i + 1 == s.inputs) {
          in.signals.push_back(sem(in_ready[x]));
          in.signals.push_back(sem(cin_free[x]));
        }
        pb.append(tdma, std::move(in));
      }
      if (!outs.empty()) {
        pb.append(tdma, std::move(outs.back()));
        outs.pop_back();
      }
      // TVP.
      Instruction op;
      op.op = OpCode::kVector;
      op.function = s.function;
      op.elements = n_rows * len;
      op.a_dtype = s.dtype;
      op.c_dtype = s.out_dtype;
      op.inputs = s.inputs;
      for (int i = 0; i < s.inputs; ++i)
        op.operands.push_back({t_buf, ts + static_cast<std::uint64_t>(i) * chunk_in});
      op.c = {t_buf, ts + static_cast<std::uint64_t>(s.inputs) * chunk_in};
      op.waits.push_back(sem(in_ready[x]));
      if (j >= 2) op.waits.push_back(sem(tout_free[x]));
      op.signals.push_back(sem(out_ready[x]));
      op.signals.push_back(sem(tin_free[x]));
      pb.append(tvp, std::move(op));
      // Tile DMA drain TSRAM -> CSRAM (queued after the next fill).
      Instruction drain = make_copy({t_buf, ts + static_cast<std::uint64_t>(s.inputs) * chunk_in},
                                    {c_buf[static_cast<std::size_t>(c)],
                                     cs + static_cast<std::uint64_t>(s.inputs) * chunk_in},
                                    out_bytes);
      drain.waits.push_back(sem(out_ready[x]));
      if (j >= 2) drain.waits.push_back(sem(cout_free[x]));
      drain.signals.push_back(sem(tout_free[x]));
      drain.signals.push_back(sem(staged[x]));
      outs.push_back(std::move(drain));
      // Cluster DMA: output CSRAM -> HBM.
      Instruction st = make_copy({c_buf[static_cast<std::size_t>(c)],
                                  cs + static_cast<std::uint64_t>(s.inputs) * chunk_in},
                                 {h_out, piece_out * static_cast<std::uint64_t>(r)}, out_bytes);
      st.waits.push_back(sem(staged[x]));
      st.signals.push_back(sem(cout_free[x]));
      pb.append(store_q, std::move(st));
    }
    if (!outs.empty()) pb.append(tdma, std::move(outs.back()));
  }
  Program p = pb.build();
  validate_program(p, chip);
  return p;
}

}  // namespace maia
