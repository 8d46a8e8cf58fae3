#include "maia/kernels/attention_kernel.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/kernels/dma_queue_plan.hpp"
#include "maia/program/program_builder.hpp"
#include "maia/program/program_loader.hpp"

namespace maia {
namespace {

constexpr std::int64_t kQueryRows = 512;  // query rows (tokens x heads of a group) per block
constexpr std::int64_t kKvBlock = 512;    // tokens per KV block (fewer for wide heads)
constexpr std::int64_t kMinKvBlock = 64;
constexpr int kKvSlots = 4;  // KV blocks in flight per tile (memory-bound decode)

struct Item {
  std::size_t seq;
  std::int64_t kv_head;
  std::int64_t q0, q1;  // query tokens [q0, q1) of the sequence's new tokens
  std::int64_t k0, k1;  // keys [k0, k1) this item reads
};

}  // namespace

Program build_attention_kernel(const ChipConfig& chip, const AttentionSpec& s) {
  if (s.sequences.empty() || s.heads <= 0 || s.kv_heads <= 0 || s.head_dim <= 0 ||
      s.heads % s.kv_heads != 0)
    throw InputError(
        fmt::format("attention kernel: needs sequences and heads ({}) a multiple of kv_heads ({})",
                    s.heads, s.kv_heads));
  const std::int64_t group = s.heads / s.kv_heads;
  const std::int64_t q_block = std::max<std::int64_t>(1, kQueryRows / group);  // tokens per block
  // P (the softmax output) feeds the P V GEMM in the KV cache's precision (FP8 attention keeps P
  // in FP8 as well; FP4 caches still use FP8 for P).
  const DType p_dtype = s.kv_dtype == DType::kFp4 ? DType::kFp8 : s.kv_dtype;
  const int T = static_cast<int>(chip.enabled_tiles_per_cluster);
  const int tiles = static_cast<int>(chip.enabled_tiles());
  const std::int64_t dv_i = s.v_head_dim > 0 ? s.v_head_dim : s.head_dim;
  if (s.latent_kv && dv_i > s.head_dim)
    throw InputError(fmt::format(
        "attention kernel: a latent value is part of the key: v_head_dim {} > head_dim {}", dv_i,
        s.head_dim));
  const std::uint64_t d = static_cast<std::uint64_t>(s.head_dim);
  const std::uint64_t dv = static_cast<std::uint64_t>(dv_i);
  const std::uint64_t q_rows_max = static_cast<std::uint64_t>(q_block * group);
  const std::uint64_t q_bytes = dtype_bytes(s.q_dtype, q_rows_max * d);
  const std::uint64_t o_bytes = dtype_bytes(DType::kFp32, q_rows_max * dv);
  const std::uint64_t tsram =
      tsram_budget(s.place, static_cast<std::uint64_t>(chip.tile.tsram.bytes));
  // TSRAM: Q, kKvSlots K and V slots (no V with a latent KV), two S slots, O. The KV block
  // shrinks until that fits.
  std::int64_t kv_block = kKvBlock;
  const auto tsram_needed = [&](std::int64_t kb) {
    const std::uint64_t k = dtype_bytes(s.kv_dtype, static_cast<std::uint64_t>(kb) * d);
    const std::uint64_t v =
        s.latent_kv ? 0 : dtype_bytes(s.kv_dtype, static_cast<std::uint64_t>(kb) * dv);
    return q_bytes + kKvSlots * (k + v) +
           2 * dtype_bytes(s.score_dtype, q_rows_max * static_cast<std::uint64_t>(kb)) + o_bytes;
  };
  while (kv_block > kMinKvBlock && tsram_needed(kv_block) > tsram) kv_block /= 2;
  // Work items, then KV partitions until every tile has about four.
  std::vector<Item> items;
  for (std::size_t i = 0; i < s.sequences.size(); ++i) {
    const AttentionSeq& q = s.sequences[i];
    if (q.q_tokens <= 0 || q.kv_tokens < q.q_tokens)
      throw InputError(fmt::format("attention kernel: sequence {} has {} queries over {} keys", i,
                                   q.q_tokens, q.kv_tokens));
    for (std::int64_t h = 0; h < s.kv_heads; ++h)
      for (std::int64_t q0 = 0; q0 < q.q_tokens; q0 += q_block) {
        const std::int64_t q1 = std::min(q.q_tokens, q0 + q_block);
        const std::int64_t last_pos = q.kv_tokens - q.q_tokens + q1;  // causal: keys [0, last_pos)
        const std::int64_t first_pos = q.kv_tokens - q.q_tokens + q0;
        const std::int64_t k0 =
            s.window > 0 ? std::max<std::int64_t>(0, first_pos + 1 - s.window) : 0;
        items.push_back({i, h, q0, q1, k0, last_pos});
      }
  }
  const std::int64_t want = 4 * static_cast<std::int64_t>(tiles);
  if (static_cast<std::int64_t>(items.size()) < want) {
    const std::int64_t parts = (want + static_cast<std::int64_t>(items.size()) - 1) /
                               static_cast<std::int64_t>(items.size());
    std::vector<Item> split;
    for (const Item& it : items) {
      const std::int64_t blocks = (it.k1 - it.k0 + kv_block - 1) / kv_block;
      const std::int64_t p = std::clamp<std::int64_t>(parts, 1, blocks);
      for (std::int64_t j = 0; j < p; ++j) {
        Item x = it;
        x.k0 = it.k0 + (blocks * j / p) * kv_block;
        x.k1 = std::min(it.k1, it.k0 + (blocks * (j + 1) / p) * kv_block);
        if (x.k0 < x.k1) split.push_back(x);
      }
    }
    items.swap(split);
  }

  const std::uint64_t kb = static_cast<std::uint64_t>(kv_block);
  const std::uint64_t k_bytes = dtype_bytes(s.kv_dtype, kb * d);
  const std::uint64_t v_bytes = s.latent_kv ? 0 : dtype_bytes(s.kv_dtype, kb * dv);
  const std::uint64_t s_bytes = dtype_bytes(s.score_dtype, q_rows_max * kb);
  const std::uint64_t t_q = 0, t_k = q_bytes, t_v = t_k + kKvSlots * k_bytes,
                      t_s = t_v + kKvSlots * v_bytes, t_o = t_s + 2 * s_bytes,
                      t_end = t_o + o_bytes;
  if (t_end > tsram)
    throw InputError(
        fmt::format("attention kernel: needs {} bytes of TSRAM per tile, has {}", t_end, tsram));
  // HBM: Q and O per (sequence, head, token); K and V cache per (sequence, kv head, token).
  std::vector<std::uint64_t> q_off(s.sequences.size()), kv_off(s.sequences.size());
  // K holds head_dim and V value_dim entries per (sequence, KV head, token); O value_dim per
  // (sequence, head, token). Offsets are counted in K (and Q) rows and scaled for V and O.
  std::vector<std::uint64_t> v_off(s.sequences.size()), o_off(s.sequences.size());
  std::uint64_t q_total = 0, kv_total = 0, v_total = 0, o_total = 0;
  for (std::size_t i = 0; i < s.sequences.size(); ++i) {
    q_off[i] = q_total;
    kv_off[i] = kv_total;
    v_off[i] = v_total;
    o_off[i] = o_total;
    const auto qr = static_cast<std::uint64_t>(s.sequences[i].q_tokens * s.heads);
    const auto kr = static_cast<std::uint64_t>(s.sequences[i].kv_tokens * s.kv_heads);
    q_total += dtype_bytes(s.q_dtype, qr * d);
    o_total += dtype_bytes(s.q_dtype, qr * dv);
    kv_total += dtype_bytes(s.kv_dtype, kr * d);
    v_total += s.latent_kv ? 0 : dtype_bytes(s.kv_dtype, kr * dv);
  }
  ProgramBuilder pb(fmt::format("attention_{}seq_h{}_kv{}_d{}", s.sequences.size(), s.heads,
                                s.kv_heads, s.head_dim));
  const std::uint64_t hb = s.place.hbm_base;
  const int hQ = pb.add_buffer({"Q", MemorySpace::kHbm, -1, {}, hb, q_total});
  const int hK = pb.add_buffer({"K", MemorySpace::kHbm, -1, {}, hb + q_total, kv_total});
  const int hV =
      s.latent_kv
          ? hK
          : pb.add_buffer({"V", MemorySpace::kHbm, -1, {}, hb + q_total + kv_total, v_total});
  const int hO =
      pb.add_buffer({"O", MemorySpace::kHbm, -1, {}, hb + q_total + kv_total + v_total, o_total});
  std::vector<Location> all;
  for (int c = 0; c < chip.clusters; ++c)
    for (int t = 0; t < T; ++t) all.push_back(ProgramBuilder::tile(c, t));
  const int tb = pb.add_buffer({"t", MemorySpace::kTsram, -1, all, 0, t_end});
  // CSRAM per tile: Q staging, kKvSlots K and V slots, O staging.
  const std::uint64_t c_slot = 2 * q_bytes + kKvSlots * (k_bytes + v_bytes);
  std::vector<int> cb;
  for (int c = 0; c < chip.clusters; ++c)
    cb.push_back(pb.add_buffer({fmt::format("c{}.stage", c),
                                MemorySpace::kCsram,
                                c,
                                {},
                                s.place.csram_base,
                                c_slot * static_cast<std::uint64_t>(T)}));
  const int queues = static_cast<int>(chip.cluster.dma_queues);

  for (int g = 0; g < tiles; ++g) {
    const int c = g / T, t = g % T;
    const Location tl = ProgramBuilder::tile(c, t), cl = ProgramBuilder::cluster(c);
    auto tsem = [&](const char* what) {
      return pb.add_semaphore(fmt::format("c{}.t{}.{}", c, t, what), tl);
    };
    auto csem = [&](const char* what) {
      return pb.add_semaphore(fmt::format("c{}.t{}.{}", c, t, what), cl);
    };
    int kv_staged[kKvSlots], kv_ready[kKvSlots], kv_free_t[kKvSlots], kv_free_c[kKvSlots];
    for (int x = 0; x < kKvSlots; ++x) {
      kv_staged[x] = tsem(fmt::format("kv_staged{}", x).c_str());
      kv_ready[x] = tsem(fmt::format("kv_ready{}", x).c_str());
      kv_free_t[x] = tsem(fmt::format("kv_free_t{}", x).c_str());
      kv_free_c[x] = csem(fmt::format("kv_free_c{}", x).c_str());
    }
    int s_ready[2], p_ready[2], s_free[2];
    for (int x = 0; x < 2; ++x) {
      s_ready[x] = tsem(fmt::format("s_ready{}", x).c_str());
      p_ready[x] = tsem(fmt::format("p_ready{}", x).c_str());
      s_free[x] = tsem(fmt::format("s_free{}", x).c_str());
    }
    // o_acc: P V of the previous block is in O; o_scaled: O rescaled by this block's max.
    const int o_acc = tsem("o_acc"), o_scaled = tsem("o_scaled");
    const int q_staged = tsem("q_staged"), q_ready = tsem("q_ready"), q_free = csem("q_free"),
              o_ready = tsem("o_ready"), o_normed = tsem("o_normed"), o_staged = csem("o_staged"),
              o_free = tsem("o_free"), ostage_free = tsem("ostage_free");
    // Separate in-order queues per tile where the cluster has enough (a shared queue couples
    // tiles: one tile's wait would hold back another's transfers).
    const DmaQueuePlan qp = plan_dma_queues(queues, T, t);
    Queue& load_q = pb.queue(cl, EngineKind::kClusterDma, qp.load);
    Queue& store_q = pb.queue(cl, EngineKind::kClusterDma, qp.store);
    Queue& tdma = pb.queue(tl, EngineKind::kTileDma);
    Queue& ttu = pb.queue(tl, EngineKind::kTtu);
    Queue& tvp = pb.queue(tl, EngineKind::kTvp);
    const std::uint64_t cbase = static_cast<std::uint64_t>(t) * c_slot;
    std::int64_t block = 0;  // KV blocks this tile has handled (KV slot = block % kKvSlots)
    std::int64_t n_items = 0;
    for (std::size_t w = static_cast<std::size_t>(g); w < items.size();
         w += static_cast<std::size_t>(tiles), ++n_items) {
      const Item& it = items[w];
      const AttentionSeq& sq = s.sequences[it.seq];
      const std::uint64_t rows = static_cast<std::uint64_t>((it.q1 - it.q0) * group);
      const std::uint64_t qb = dtype_bytes(s.q_dtype, rows * d);
      const std::uint64_t ob = dtype_bytes(s.q_dtype, rows * dv);
      const std::uint64_t first_row = static_cast<std::uint64_t>(it.q0 * s.heads) +
                                      static_cast<std::uint64_t>(it.kv_head * group);
      const std::uint64_t q_at = q_off[it.seq] + dtype_bytes(s.q_dtype, first_row * d);
      const std::uint64_t o_at = o_off[it.seq] + dtype_bytes(s.q_dtype, first_row * dv);
      // Q: HBM -> CSRAM -> TSRAM.
      Instruction lq = make_copy({hQ, std::min(q_at, q_total - qb)},
                                 {cb[static_cast<std::size_t>(c)], cbase}, qb);
      if (n_items > 0) lq.waits.push_back(sem(q_free));
      lq.signals.push_back(sem(q_staged));
      pb.append(load_q, std::move(lq));
      Instruction tq = make_copy({cb[static_cast<std::size_t>(c)], cbase}, {tb, t_q}, qb);
      tq.waits.push_back(sem(q_staged));
      if (n_items > 0) tq.waits.push_back(sem(o_free));  // previous item's O is out of TSRAM
      tq.signals.push_back(sem(q_ready));
      tq.signals.push_back(sem(q_free));
      pb.append(tdma, std::move(tq));
      const std::int64_t nb = (it.k1 - it.k0 + kv_block - 1) / kv_block;
      std::vector<Instruction> pending_pv;  // the TTU runs S(j+1) before P(j)V(j)
      for (std::int64_t j = 0; j < nb; ++j, ++block) {
        const auto x = static_cast<std::size_t>(block % kKvSlots);  // KV slot
        const auto y = static_cast<std::size_t>(block % 2);         // S slot
        const bool kv_reused = block >= kKvSlots;
        const std::int64_t kv0 = it.k0 + j * kv_block, kvn = std::min(kv_block, it.k1 - kv0);
        const auto kv_row =
            static_cast<std::uint64_t>(it.kv_head) * static_cast<std::uint64_t>(sq.kv_tokens) +
            static_cast<std::uint64_t>(kv0);
        const std::uint64_t k_len = dtype_bytes(s.kv_dtype, static_cast<std::uint64_t>(kvn) * d);
        const std::uint64_t k_at = kv_off[it.seq] + dtype_bytes(s.kv_dtype, kv_row * d);
        const std::uint64_t ck = cbase + q_bytes + x * (k_bytes + v_bytes);
        const auto cc = cb[static_cast<std::size_t>(c)];
        Instruction lk = make_copy({hK, k_at}, {cc, ck}, k_len);
        if (kv_reused) lk.waits.push_back(sem(kv_free_c[x]));
        Instruction tk = make_copy({cc, ck}, {tb, t_k + x * k_bytes}, k_len);
        tk.waits.push_back(sem(kv_staged[x]));
        if (kv_reused) tk.waits.push_back(sem(kv_free_t[x]));
        if (s.latent_kv) {
          // One latent vector per token: V is read from K's slot.
          lk.signals.push_back(sem(kv_staged[x]));
          pb.append(load_q, std::move(lk));
          tk.signals.push_back(sem(kv_ready[x]));
          tk.signals.push_back(sem(kv_free_c[x]));
          pb.append(tdma, std::move(tk));
        } else {
          const std::uint64_t v_len = dtype_bytes(s.kv_dtype, static_cast<std::uint64_t>(kvn) * dv);
          const std::uint64_t v_at = v_off[it.seq] + dtype_bytes(s.kv_dtype, kv_row * dv);
          pb.append(load_q, std::move(lk));
          Instruction lv = make_copy({hV, v_at}, {cc, ck + k_bytes}, v_len);
          lv.signals.push_back(sem(kv_staged[x]));
          pb.append(load_q, std::move(lv));
          pb.append(tdma, std::move(tk));
          Instruction tv = make_copy({cc, ck + k_bytes}, {tb, t_v + x * v_bytes}, v_len);
          tv.signals.push_back(sem(kv_ready[x]));
          tv.signals.push_back(sem(kv_free_c[x]));
          pb.append(tdma, std::move(tv));
        }
        // S = Q K^T on the TTU; softmax on the TVP; O += P V on the TTU.
        Instruction qk =
            make_gemm(static_cast<std::int64_t>(rows), kvn, s.head_dim, s.kv_dtype, {tb, t_q},
                      {tb, t_k + x * k_bytes}, {tb, t_s + y * s_bytes}, false);
        qk.a_dtype = s.q_dtype == DType::kFp32 ? DType::kBf16 : s.q_dtype;
        qk.c_dtype = s.score_dtype;
        qk.waits.push_back(sem(kv_ready[x]));
        if (j == 0) qk.waits.push_back(sem(q_ready));
        if (block >= 2) qk.waits.push_back(sem(s_free[y]));
        qk.signals.push_back(sem(s_ready[y]));
        pb.append(ttu, std::move(qk));
        if (!pending_pv.empty()) {
          pb.append(ttu, std::move(pending_pv.back()));
          pending_pv.pop_back();
        }
        // Online softmax of the block: exp(S - m) into P at the scores' precision, the running
        // row max and sum in FP32.
        Instruction sm;
        sm.op = OpCode::kVector;
        sm.function = "softmax_online";
        sm.elements = static_cast<std::int64_t>(rows) * kvn;
        sm.a_dtype = s.score_dtype;
        sm.c_dtype = p_dtype;
        sm.operands.push_back({tb, t_s + y * s_bytes});
        sm.c = {tb, t_s + y * s_bytes};
        sm.waits.push_back(sem(s_ready[y]));
        sm.signals.push_back(sem(p_ready[y]));
        pb.append(tvp, std::move(sm));
        if (j > 0) {
          // The running max moved: O (FP32) is rescaled by exp(m_old - m_new) per row before
          // this block's P V adds to it, once the previous block's P V is in.
          Instruction rs;
          rs.op = OpCode::kVector;
          rs.function = "mul";
          rs.elements = static_cast<std::int64_t>(rows * dv);
          rs.a_dtype = rs.c_dtype = DType::kFp32;
          rs.operands.push_back({tb, t_o});
          rs.c = {tb, t_o};
          rs.waits.push_back(sem(o_acc));
          rs.signals.push_back(sem(o_scaled));
          pb.append(tvp, std::move(rs));
        }
        Instruction pv = make_gemm(
            static_cast<std::int64_t>(rows), dv_i, kvn, p_dtype, {tb, t_s + y * s_bytes},
            s.latent_kv ? BufferRef{tb, t_k + x * k_bytes} : BufferRef{tb, t_v + x * v_bytes},
            {tb, t_o}, j > 0);
        pv.b_dtype = s.kv_dtype;
        pv.waits.push_back(sem(p_ready[y]));
        if (j > 0) pv.waits.push_back(sem(o_scaled));
        if (j + 1 < nb) pv.signals.push_back(sem(o_acc));
        pv.signals.push_back(sem(s_free[y]));
        pv.signals.push_back(sem(kv_free_t[x]));
        if (j + 1 == nb) pv.signals.push_back(sem(o_ready));
        pending_pv.push_back(std::move(pv));
      }
      if (!pending_pv.empty()) pb.append(ttu, std::move(pending_pv.back()));
      // Normalise O (and fold partitions), then TSRAM -> CSRAM -> HBM.
      Instruction norm;
      norm.op = OpCode::kVector;
      norm.function = "fma";
      norm.elements = static_cast<std::int64_t>(rows * dv);
      norm.a_dtype = DType::kFp32;
      norm.c_dtype = s.q_dtype;
      norm.operands.push_back({tb, t_o});
      norm.c = {tb, t_o};
      norm.waits.push_back(sem(o_ready));
      norm.signals.push_back(sem(o_normed));
      pb.append(tvp, norm);
      const std::uint64_t co = cbase + q_bytes + kKvSlots * (k_bytes + v_bytes);
      Instruction to = make_copy({tb, t_o}, {cb[static_cast<std::size_t>(c)], co}, ob);
      to.waits.push_back(sem(o_normed));
      if (n_items > 0) to.waits.push_back(sem(ostage_free));
      to.signals.push_back(sem(o_free));
      to.signals.push_back(sem(o_staged));
      pb.append(tdma, std::move(to));
      Instruction so =
          make_copy({cb[static_cast<std::size_t>(c)], co}, {hO, std::min(o_at, o_total - ob)}, ob);
      so.waits.push_back(sem(o_staged));
      so.signals.push_back(sem(ostage_free));
      pb.append(store_q, std::move(so));
    }
  }
  Program p = pb.build();
  validate_program(p, chip);
  return p;
}

}  // namespace maia
