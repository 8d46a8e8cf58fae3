#include "maia/compiler/op_executor.hpp"

#include <algorithm>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "maia/cache/measurement_cache.hpp"
#include "maia/compiler/program_footprint.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"
#include "maia/core/log.hpp"
#include "maia/hw/chip/peaks.hpp"
#include "maia/kernels/attention_kernel.hpp"
#include "maia/kernels/collective_kernel.hpp"
#include "maia/kernels/gemm_kernel.hpp"
#include "maia/kernels/system_collective.hpp"
#include "maia/kernels/vector_kernel.hpp"
#include "maia/program/vector_functions.hpp"
#include "maia/sim/timeline_recording.hpp"

namespace maia {
namespace {

// The memo key of operators [begin, end) of `graph` run together: their signatures and the
// dependencies between them (which shape the data gates).
std::string window_key(std::string_view kind, const OperatorGraph& graph, std::size_t begin,
                       std::size_t end) {
  std::string key(kind);
  for (std::size_t i = begin; i < end; ++i) key += "||" + graph.ops[i].signature;
  for (std::size_t i = begin; i < end; ++i)
    for (int d : graph.ops[i].deps)
      if (d >= static_cast<int>(begin))
        key += fmt::format("|{}<{}", i - begin, d - static_cast<int>(begin));
  return key;
}

// Memoised measurements relabelled for the operators from `begin` of `graph`, marked reused.
std::vector<OpMeasurement> reused_measurements(std::vector<OpMeasurement> ms,
                                               const OperatorGraph& graph, std::size_t begin) {
  for (std::size_t k = 0; k < ms.size(); ++k) {
    ms[k].name = graph.ops[begin + k].name;
    ms[k].layer = graph.ops[begin + k].layer;
    ms[k].reused = true;
  }
  return ms;
}

// The TVP's peak FLOP rate over all enabled tiles (FMA pipes, 16-bit lanes).
double tvp_peak_flops(const ChipConfig& c) {
  return static_cast<double>(c.enabled_tiles() * c.tile.tvp.lanes_16bit * c.tile.tvp.pipes) * 2.0 *
         c.clock_ghz * 1e9;
}

// The bound: the resource busiest relative to its peak while the operator ran (`span_ns`). TTU
// and TVP utilisation are measured (busy time of every tile's engine), HBM and SRAM from bytes.
void set_bound(const ChipConfig& chip, OpMeasurement& m, double ttu_busy, double tvp_busy,
               double span_ns) {
  const double t = std::max(span_ns, 1e-9);
  const double tiles = static_cast<double>(chip.enabled_tiles());
  // The NIC: its measured tx bytes over the tray ports it used (a collective's peer groups).
  const double nic_peak = m.network_ports > 0 ? m.network_ports * chip.nic.port_gbps / 8.0 : 0.0;
  const std::pair<double, const char*> use[] = {
      {ttu_busy / tiles / t, "compute"},
      {tvp_busy / tiles / t, "vector"},
      {m.hbm_bytes / hbm_peak_gbps(chip.hbm) / t, "hbm"},
      {m.sram_bytes / chip_sram_peak_gbps(chip) / t, "sram"},
      {nic_peak > 0 ? m.network_bytes / nic_peak / t : 0.0, "network"},
  };
  const auto* top = &use[0];
  for (const auto& u : use)
    if (u.first > top->first) top = &u;
  m.bound = top->second;
  m.bound_utilisation = top->first;
}

// Bytes an operator's program moves through HBM and through SRAM (CSRAM and TSRAM, read and
// written) by its copies and multicasts, to share a phase's measured totals among the operators
// that ran in it (per instruction).
// One operator's fractions of its merged phase: of the TTU and TVP busy time, of the phase's HBM
// and SRAM DMA bytes, and of its time.
struct PhaseShare {
  double ttu = 0, tvp = 0, hbm = 0, sram = 0, time = 0;
};

// The operator's part of the phase's activity: engine events by its busy share, memory and
// on-chip traffic by its DMA bytes' share, refreshes by its time (the shares sum to 1 over the
// phase, so the operators' activities sum to the phase's).
Activity activity_share(const Activity& phase, const PhaseShare& f) {
  Activity a;
  a.macs_fp4 = phase.macs_fp4 * f.ttu;
  a.macs_fp8 = phase.macs_fp8 * f.ttu;
  a.macs_bf16 = phase.macs_bf16 * f.ttu;
  a.vector_ops = phase.vector_ops * f.tvp;
  a.near_sram_read_bytes = phase.near_sram_read_bytes * f.sram;
  a.near_sram_write_bytes = phase.near_sram_write_bytes * f.sram;
  a.far_sram_read_bytes = phase.far_sram_read_bytes * f.sram;
  a.far_sram_write_bytes = phase.far_sram_write_bytes * f.sram;
  a.noc_byte_hops = phase.noc_byte_hops * f.sram;
  a.hbm_activates = phase.hbm_activates * f.hbm;
  a.hbm_read_bytes = phase.hbm_read_bytes * f.hbm;
  a.hbm_write_bytes = phase.hbm_write_bytes * f.hbm;
  a.hbm_refreshes = phase.hbm_refreshes * f.time;
  a.network_bytes = phase.network_bytes * f.time;
  a.pcie_bytes = phase.pcie_bytes * f.time;
  return a;
}

std::pair<double, double> dma_bytes(const Program& p, const Instruction& in) {
  if (in.op != OpCode::kCopy && in.op != OpCode::kMulticast) return {0, 0};
  const auto b = static_cast<double>(in.bytes);
  const MemorySpace src = p.buffers[static_cast<std::size_t>(in.src.buffer)].space;
  const MemorySpace dst = p.buffers[static_cast<std::size_t>(in.dst.buffer)].space;
  const double copies = in.op == OpCode::kMulticast ? static_cast<double>(in.targets.size()) : 1.0;
  const double hbm = (src == MemorySpace::kHbm ? b : 0) + (dst == MemorySpace::kHbm ? b : 0);
  const double sram =
      (src != MemorySpace::kHbm ? b : 0) + (dst != MemorySpace::kHbm ? b * copies : 0);
  return {hbm, sram};
}

std::uint64_t align_up(std::uint64_t x, std::uint64_t a) { return (x + a - 1) / a * a; }

}  // namespace

LoweredOp lower_operator(const ChipConfig& chip, const Operator& op, const KernelPlacement& place,
                         int prefetched_steps, bool weights_resident) {
  if (const auto* g = std::get_if<GemmShape>(&op.shape)) {
    GemmSpec spec{g->m,
                  g->n,
                  g->k,
                  g->a_dtype,
                  g->b_dtype,
                  g->out_dtype,
                  place,
                  prefetched_steps,
                  weights_resident};
    GemmKernel k = build_gemm_kernel(chip, spec);
    prune_unwaited_semaphores(k.program);
    return {std::move(k.program), std::move(k.prefetch), {k.weight_buffer}, k.plan};
  }
  if (const auto* a = std::get_if<AttentionShape>(&op.shape)) {
    AttentionSpec spec;
    for (const auto& s : a->sequences) spec.sequences.push_back({s.q_tokens, s.kv_tokens});
    spec.heads = a->heads;
    spec.kv_heads = a->kv_heads;
    spec.head_dim = a->head_dim;
    spec.v_head_dim = a->value_dim();
    spec.latent_kv = a->latent_kv;
    spec.window = a->window;
    spec.q_dtype = a->q_dtype;
    spec.kv_dtype = a->kv_dtype;
    spec.score_dtype = chip.kernels.attention_scores == "fp32" ? DType::kFp32 : DType::kBf16;
    spec.place = place;
    LoweredOp l{build_attention_kernel(chip, spec), {}, {}, {}};
    prune_unwaited_semaphores(l.program);
    return l;
  }
  if (const auto* c = std::get_if<CollectiveShape>(&op.shape)) {
    LoweredOp l{build_collective_kernel(chip, {*c, place}), {}, {}, {}};
    prune_unwaited_semaphores(l.program);
    return l;
  }
  const auto& v = std::get<VectorShape>(op.shape);
  LoweredOp l{
      build_vector_kernel(chip, {v.function, v.elements, v.rows, vector_function_inputs(v.function),
                                 v.dtype, v.dtype, place}),
      {},
      {},
      {}};
  prune_unwaited_semaphores(l.program);
  return l;
}

Program lower_operator(const ChipConfig& chip, const Operator& op) {
  return lower_operator(chip, op, {}, 0, false).program;
}

OpExecutor::OpExecutor(ChipSession& session, const ChipConfig& chip, bool memoize, bool prefetch)
    : session_(session), chip_(chip), memoize_(memoize), prefetch_(prefetch) {}

std::optional<std::vector<OpMeasurement>> OpExecutor::cached(const MeasurementRequest& request,
                                                             std::string& description) {
  // A timeline draws what is simulated, and --no-memo asks for every simulation: both bypass it.
  if (cache_ == nullptr || !memoize_ || session_.timeline() != nullptr) return std::nullopt;
  if (chip_json_.is_null()) chip_json_ = chip_config_to_json(chip_);
  description = describe_measurement(chip_json_, request);
  return cache_->find(description);
}

std::vector<OpMeasurement> OpExecutor::measure(const MeasurementRequest& request) {
  const bool memoize = memoize_, resident = weights_resident_;
  MeasurementCache* const cache = cache_;
  memoize_ = false;
  cache_ = nullptr;
  weights_resident_ = request.weights_resident;
  std::vector<OpMeasurement> out;
  const OperatorGraph& g = request.ops;
  if (request.kind == MeasurementRequest::Kind::kOperator) {
    const Operator* next = request.prefetches_next && g.ops.size() > 1 ? &g.ops[1] : nullptr;
    out.push_back(run_placed(g.ops.at(0), next, request.prefetched_in, request.parity));
  } else {
    out = run_window(g, 0, g.ops.size());
  }
  memoize_ = memoize;
  cache_ = cache;
  weights_resident_ = resident;
  return out;
}

KernelPlacement OpExecutor::half(int parity) const {
  // Consecutive operators alternate between two halves of CSRAM and two HBM regions, so the
  // next operator's weights can be loaded into its own buffers while the current one runs.
  const auto csram = static_cast<std::uint64_t>(chip_.cluster.csram.bytes) / 2;
  constexpr std::uint64_t kHbmRegion = 64ull << 30;
  return {static_cast<std::uint64_t>(parity) * kHbmRegion,
          static_cast<std::uint64_t>(parity) * csram, csram};
}

bool OpExecutor::can_prefetch(const Operator& op, bool prefetched_in, const Operator& next) {
  // Nothing overlaps a collective, not even the next GEMM's first weights.
  if (!std::holds_alternative<GemmShape>(next.shape) ||
      std::holds_alternative<CollectiveShape>(op.shape))
    return false;
  const std::string key = op.signature + (prefetched_in ? "|in|" : "|") + next.signature;
  const auto it = prefetch_fits_.find(key);
  if (it != prefetch_fits_.end()) return it->second;
  bool fits = true;
  try {
    lower_operator(chip_, op, half(0), prefetched_in ? 2 : 0, false);
    lower_operator(chip_, next, half(1), 2, false);
  } catch (const InputError&) {
    fits = false;  // one of them needs more than half of CSRAM
  }
  prefetch_fits_[key] = fits;
  return fits;
}

OpMeasurement OpExecutor::run(const Operator& op) {
  check_operator_scale(op.shape, fmt::format("operator {}", op.name));
  return run_placed(op, nullptr, false, 0);
}

OpMeasurement OpExecutor::run_placed(const Operator& op, const Operator* next, bool prefetched_in,
                                     int parity) {
  if (const auto* c = std::get_if<CollectiveShape>(&op.shape);
      c && timer_ != nullptr && !tray_collective_program_runs(chip_, *c)) {
    // Beyond the tray's links: the system's collective timer prices it (memoised alike).
    const std::string key = "system|" + op.signature;
    const auto it = memoize_ ? memo_.find(key) : memo_.end();
    if (it != memo_.end()) {
      ++reused_;
      OpMeasurement m = it->second;
      m.name = op.name;
      m.layer = op.layer;
      m.reused = true;
      return m;
    }
    OpMeasurement m = time_system_collective(*timer_, op);
    ++simulated_;
    logger().debug("op executor: {} (layer {}): {} collective, {:.3f} us", op.name, op.layer,
                   m.fidelity, m.time_ns / 1e3);
    if (memoize_) memo_[key] = m;
    return m;
  }
  const bool prefetch_out = next != nullptr;
  // Weights stay in SRAM when the caller says the model fits and this GEMM's share does.
  bool resident = false;
  if (weights_resident_ && std::holds_alternative<GemmShape>(op.shape) && !prefetched_in) {
    const auto it = resident_fits_.find(op.signature);
    if (it != resident_fits_.end()) {
      resident = it->second;
    } else {
      try {
        lower_operator(chip_, op, {}, 0, true);
        resident = true;
      } catch (const InputError&) {
        resident = false;  // its weights need more CSRAM than the cluster has left
      }
      resident_fits_[op.signature] = resident;
    }
  }
  const std::string key = op.signature + (prefetched_in ? "|prefetched" : "") +
                          (prefetch_out ? "|prefetches:" + next->signature : "") +
                          (resident ? "|resident" : "");
  if (memoize_) {
    const auto it = memo_.find(key);
    if (it != memo_.end()) {
      ++reused_;
      logger().debug("op executor: {} (layer {}): measurement reused ({})", op.name, op.layer, key);
      OpMeasurement m = it->second;
      m.name = op.name;
      m.layer = op.layer;
      m.reused = true;
      return m;
    }
  }
  MeasurementRequest request;
  request.kind = MeasurementRequest::Kind::kOperator;
  request.prefetched_in = prefetched_in;
  request.prefetches_next = prefetch_out;
  request.parity = parity;
  request.weights_resident = resident;
  request.ops.name = "measurement";
  request.ops.ops.push_back(op);
  if (prefetch_out) request.ops.ops.push_back(*next);
  for (auto& o : request.ops.ops) {
    o.layer = -1;
    o.deps.clear();
  }
  std::string description;
  if (auto hit = cached(request, description); hit && hit->size() == 1) {
    ++simulated_;  // counted as the simulation it stands for, so reports do not change
    OpMeasurement m = hit->at(0);
    m.name = op.name;
    m.layer = op.layer;
    logger().debug("op executor: {} (layer {}): measurement from the cache", op.name, op.layer);
    if (memoize_) memo_[key] = m;
    return m;
  }
  const KernelPlacement place = prefetched_in || prefetch_out ? half(parity) : KernelPlacement{};
  LoweredOp lowered = lower_operator(chip_, op, resident ? KernelPlacement{} : place,
                                     prefetched_in ? 2 : 0, resident);
  if (prefetch_out) {
    const LoweredOp ahead = lower_operator(chip_, *next, half(1 - parity), 2, false);
    add_prefetch(lowered.program, ahead.prefetch, static_cast<int>(chip_.cluster.dma_queues));
  }
  const Program& program = lowered.program;
  RunOptions opt;
  opt.include_module_stats = false;
  opt.canonical_start = true;  // memoised measurements must not depend on what ran before
  const ProgramResult r = session_.run(program, opt);
  ++simulated_;
  OpMeasurement m;
  m.name = op.name;
  m.layer = op.layer;
  m.kind = std::string(op.kind());
  m.signature = op.signature;
  m.prefetched = prefetched_in;
  m.weights_resident = resident;
  m.prefetches_next = prefetch_out;
  m.time_ns = r.time_ns;
  m.hbm_bytes = r.hbm_read_bytes + r.hbm_write_bytes;
  m.sram_bytes =
      r.csram_read_bytes + r.csram_write_bytes + r.tsram_read_bytes + r.tsram_write_bytes;
  m.network_bytes = r.nic_tx_bytes;
  m.activity = r.activity;
  m.finish_ns = m.time_ns;
  add_roofline(op, m);
  double ttu_busy = 0, tvp_busy = 0;
  for (const auto& e : r.engines) {
    if (e.name.ends_with(".ttu")) ttu_busy += e.busy_ns;
    if (e.name.ends_with(".tvp")) tvp_busy += e.busy_ns;
  }
  set_bound(chip_, m, ttu_busy, tvp_busy, m.time_ns);
  logger().debug("op executor: {} (layer {}): simulated, {:.3f} us ({})", op.name, op.layer,
                 m.time_ns / 1e3, key);
  if (!description.empty()) {
    OpMeasurement stored = m;  // labelled as its request (the layer is no part of it)
    stored.layer = -1;
    cache_->store(description, {stored});
  }
  if (memoize_) memo_[key] = m;
  return m;
}

void OpExecutor::add_roofline(const Operator& op, OpMeasurement& m) const {
  // Roofline from the operator's own cost: FLOPs at the engine's peak, the bytes it must move
  // (weights, activations, KV cache) at HBM peak.
  double peak = tvp_peak_flops(chip_);
  if (const auto* g = std::get_if<GemmShape>(&op.shape))
    peak = std::min(chip_peak_flops(chip_, g->a_dtype), chip_peak_flops(chip_, g->b_dtype));
  if (const auto* a = std::get_if<AttentionShape>(&op.shape))
    peak = chip_peak_flops(chip_, a->kv_dtype);
  const OpCost& c = op.cost;
  const double must_move =
      static_cast<double>(c.weight_bytes + c.activation_read_bytes + c.activation_write_bytes +
                          c.kv_read_bytes + c.kv_write_bytes);
  m.flops = static_cast<double>(op.cost.flops);
  m.compute_ns = m.flops / peak * 1e9;
  m.memory_ns = must_move / hbm_peak_gbps(chip_.hbm);
  m.roofline_ns = std::max(m.compute_ns, m.memory_ns);
  if (const auto* col = std::get_if<CollectiveShape>(&op.shape)) {
    m.collective = std::string(collective_kind_name(col->kind));
    // Each peer gets an equal share over its own port group, so the slowest group bounds it.
    const std::int64_t peers = col->ranks - 1;
    for (std::int64_t p = 0; p < peers; ++p)
      m.network_ports += static_cast<int>(chip_.nic.tray_links[static_cast<std::size_t>(p)]);
    const double group = tray_group_gbytes_per_s(chip_, peers);
    m.network_ns =
        group > 0 ? static_cast<double>(c.network_bytes) / static_cast<double>(peers) / group : 0.0;
    m.roofline_ns = std::max(m.roofline_ns, m.network_ns);
  }
}

bool weights_fit_sram(const ChipConfig& chip, std::uint64_t weight_bytes) {
  return weight_bytes <= static_cast<std::uint64_t>(chip.clusters * chip.cluster.csram.bytes) / 2;
}

IterationResult OpExecutor::run_graph(const OperatorGraph& graph) {
  // Refuse work beyond the limits before any of it is simulated.
  for (const auto& op : graph.ops)
    check_operator_scale(op.shape, fmt::format("{}: operator {}", graph.name, op.name));
  IterationResult r;
  r.ops.reserve(graph.ops.size());
  if (overlap_ && !weights_resident_) {
    for (std::size_t i = 0; i < graph.ops.size();) {
      const std::size_t end = window_end(graph, i);
      std::vector<OpMeasurement> w = run_overlapped(graph, i, end);
      for (auto& m : w) {
        r.time_ns += m.time_ns;
        if (Timeline* tl = session_.timeline()) record_operator(*tl, m);
        r.ops.push_back(std::move(m));
      }
      i = end;
    }
    return r;
  }
  bool prefetched_in = false;
  for (std::size_t i = 0; i < graph.ops.size(); ++i) {
    const Operator& op = graph.ops[i];
    const Operator* next = i + 1 < graph.ops.size() ? &graph.ops[i + 1] : nullptr;
    if (!prefetch_ || weights_resident_ || (next && !can_prefetch(op, prefetched_in, *next)))
      next = nullptr;
    r.ops.push_back(run_placed(op, next, prefetched_in, static_cast<int>(i % 2)));
    r.time_ns += r.ops.back().time_ns;
    if (Timeline* tl = session_.timeline()) record_operator(*tl, r.ops.back());
    prefetched_in = next != nullptr;
  }
  return r;
}

MergedWindow OpExecutor::plan_window(const OperatorGraph& graph, std::size_t begin,
                                     std::size_t end) const {
  // Collectives keep a phase of their own: nothing is reordered across them.
  for (std::size_t i = begin; i < end; ++i)
    if (std::holds_alternative<CollectiveShape>(graph.ops[i].shape))
      throw InputError(fmt::format("window: {} is a collective and runs in a phase of its own",
                                   graph.ops[i].name));
  const auto tsram = static_cast<std::uint64_t>(chip_.tile.tsram.bytes);
  const auto csram = static_cast<std::uint64_t>(chip_.cluster.csram.bytes);
  constexpr std::uint64_t kSramAlign = 4096;
  constexpr std::uint64_t kHbmAlign = 64ull << 20;
  // Operators other than GEMMs take what they need; the GEMMs share the rest equally, each
  // keeping the blocking (and at least the K depth, up to 512) it would have alone: a GEMM that
  // needs all of TSRAM for its blocks (compute-bound prefill) keeps a phase of its own.
  std::vector<LoweredOp> lowered(end - begin);
  std::uint64_t tsram_used = 0, csram_used = 0;
  int gemms = 0;
  for (std::size_t i = begin; i < end; ++i) {
    if (std::holds_alternative<GemmShape>(graph.ops[i].shape)) {
      ++gemms;
      continue;
    }
    lowered[i - begin] = lower_operator(chip_, graph.ops[i], {}, 0, false);
    const ProgramFootprint f = program_footprint(lowered[i - begin].program);
    tsram_used += align_up(f.tsram_end, kSramAlign);
    csram_used += align_up(f.csram_end, kSramAlign);
  }
  if (tsram_used >= tsram || csram_used >= csram)
    throw InputError("window: the operators' SRAM buffers do not fit side by side");
  for (std::size_t i = begin; i < end && gemms > 0; ++i) {
    if (!std::holds_alternative<GemmShape>(graph.ops[i].shape)) continue;
    const auto share = [&](std::uint64_t total, std::uint64_t used) {
      return (total - used) / static_cast<std::uint64_t>(gemms) / kSramAlign * kSramAlign;
    };
    KernelPlacement place;
    place.csram_bytes = share(csram, csram_used);
    place.tsram_bytes = share(tsram, tsram_used);
    lowered[i - begin] = lower_operator(chip_, graph.ops[i], place, 0, false);
    const GemmPlan alone = lower_operator(chip_, graph.ops[i], {}, 0, false).gemm_plan;
    const GemmPlan& p = lowered[i - begin].gemm_plan;
    if (p.bm != alone.bm || p.bn != alone.bn || p.region_rows != alone.region_rows ||
        p.bk < std::min<std::int64_t>(alone.bk, 512))
      throw InputError(fmt::format("window: {} would need a smaller blocking to share TSRAM",
                                   graph.ops[i].name));
  }
  // Place them one after another in every memory, and merge with data gates along the
  // graph's dependencies.
  std::uint64_t hbm_at = 0, csram_at = 0, tsram_at = 0;
  std::vector<WindowOperator> ops;
  std::string name = "window";
  for (std::size_t i = begin; i < end; ++i) {
    LoweredOp& l = lowered[i - begin];
    const ProgramFootprint f = program_footprint(l.program);
    relocate_program(l.program, hbm_at, csram_at, tsram_at);
    hbm_at = align_up(hbm_at + f.hbm_end, kHbmAlign);
    csram_at = align_up(csram_at + f.csram_end, kSramAlign);
    tsram_at = align_up(tsram_at + f.tsram_end, kSramAlign);
    WindowOperator w;
    w.program = &l.program;
    w.weight_buffers = l.weight_buffers;
    for (int d : graph.ops[i].deps)
      if (d >= static_cast<int>(begin) && d < static_cast<int>(i))
        w.producers.push_back(d - static_cast<int>(begin));
    ops.push_back(std::move(w));
    name += "_" + graph.ops[i].name;
  }
  return merge_operators(ops, name, chip_);
}

std::size_t OpExecutor::window_end(const OperatorGraph& graph, std::size_t begin) {
  std::size_t end = begin + 1;
  // A window starts at a GEMM or attention: a vector operator first in a window would be
  // delayed by the next GEMM's weight stream while the chain waits for its (small) result.
  if (!std::holds_alternative<GemmShape>(graph.ops[begin].shape)) return end;
  std::string key = graph.ops[begin].signature;
  while (end < graph.ops.size() && graph.ops[end].layer == graph.ops[begin].layer) {
    const std::string next = key + "||" + graph.ops[end].signature;
    auto it = window_fits_.find(next);
    if (it == window_fits_.end()) {
      bool fits = true;
      try {
        plan_window(graph, begin, end + 1);
      } catch (const InputError&) {
        fits = false;
      }
      it = window_fits_.emplace(next, fits).first;
    }
    if (!it->second) break;
    key = next;
    ++end;
  }
  return end;
}

std::vector<OpMeasurement> OpExecutor::run_window(const OperatorGraph& graph, std::size_t begin,
                                                  std::size_t end) {
  const std::string key = window_key("window", graph, begin, end);
  if (memoize_) {
    const auto it = window_memo_.find(key);
    if (it != window_memo_.end()) {
      reused_ += end - begin;
      logger().debug("op executor: merged window of operators {}..{} reused", begin, end - 1);
      return reused_measurements(it->second, graph, begin);
    }
  }
  MeasurementRequest request;
  request.kind = MeasurementRequest::Kind::kWindow;
  request.ops = request_operators(graph, begin, end);
  std::string description;
  if (auto hit = cached(request, description); hit && hit->size() == end - begin) {
    simulated_ += end - begin;  // counted as the simulation it stands for
    logger().debug("op executor: merged window of operators {}..{} from the cache", begin, end - 1);
    std::vector<OpMeasurement> out = std::move(*hit);
    for (std::size_t k = 0; k < out.size(); ++k) {
      out[k].name = graph.ops[begin + k].name;
      out[k].layer = graph.ops[begin + k].layer;
    }
    if (memoize_) window_memo_[key] = out;
    return out;
  }
  const MergedWindow w = plan_window(graph, begin, end);
  RunOptions opt;
  opt.include_module_stats = false;
  opt.canonical_start = true;  // memoised measurements must not depend on what ran before
  const ProgramResult r = session_.run(w.program, opt);
  simulated_ += end - begin;
  const std::size_t n = end - begin;
  // Each operator's first start and last end, its TTU / TVP busy time, and its DMA bytes.
  std::vector<double> start(n, r.time_ns), finish(n, 0), ttu(n, 0), tvp(n, 0);
  for (std::size_t q = 0; q < w.program.queues.size(); ++q) {
    const auto& spans = r.engines[q].spans_ns;
    const EngineKind kind = w.program.queues[q].engine;
    for (std::size_t k = 0; k < spans.size(); ++k) {
      const int o = w.owner[q][k];
      if (o < 0) continue;
      const auto u = static_cast<std::size_t>(o);
      start[u] = std::min(start[u], spans[k].first);
      finish[u] = std::max(finish[u], spans[k].second);
      if (kind == EngineKind::kTtu) ttu[u] += spans[k].second - spans[k].first;
      if (kind == EngineKind::kTvp) tvp[u] += spans[k].second - spans[k].first;
    }
  }
  // The phase's measured HBM and SRAM bytes, shared by each operator's own DMA bytes.
  std::vector<double> op_hbm(n, 0), op_sram(n, 0);
  double hbm_static = 0, sram_static = 0;
  for (std::size_t q = 0; q < w.program.queues.size(); ++q) {
    const Queue& queue = w.program.queues[q];
    for (std::size_t k = 0; k < queue.instructions.size(); ++k) {
      const int o = w.owner[q][k];
      if (o < 0) continue;
      const auto [h, sr] = dma_bytes(w.program, queue.instructions[k]);
      op_hbm[static_cast<std::size_t>(o)] += h;
      op_sram[static_cast<std::size_t>(o)] += sr;
      hbm_static += h;
      sram_static += sr;
    }
  }
  const double hbm_measured = r.hbm_read_bytes + r.hbm_write_bytes;
  const double sram_measured =
      r.csram_read_bytes + r.csram_write_bytes + r.tsram_read_bytes + r.tsram_write_bytes;
  double ttu_total = 0, tvp_total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ttu_total += ttu[i];
    tvp_total += tvp[i];
  }
  std::vector<OpMeasurement> out;
  double prev = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Operator& op = graph.ops[begin + i];
    OpMeasurement m;
    m.name = op.name;
    m.layer = op.layer;
    m.kind = std::string(op.kind());
    m.signature = op.signature;
    m.window = static_cast<int>(n);
    m.start_ns = start[i];
    m.finish_ns = finish[i];
    // Its share of the phase: from the previous operator's finish (or the phase start) to its
    // own; the last takes the phase's end, so the shares sum to the phase.
    const double f = i + 1 == n ? r.time_ns : std::max(prev, finish[i]);
    m.time_ns = f - prev;
    m.overlap_ns = std::max(0.0, std::min(prev, finish[i]) - start[i]);
    prev = f;
    m.hbm_bytes = hbm_static > 0 ? hbm_measured * op_hbm[i] / hbm_static : 0;
    m.sram_bytes = sram_static > 0 ? sram_measured * op_sram[i] / sram_static : 0;
    m.activity = activity_share(
        r.activity, {ttu_total > 0 ? ttu[i] / ttu_total : 0, tvp_total > 0 ? tvp[i] / tvp_total : 0,
                     hbm_static > 0 ? op_hbm[i] / hbm_static : 0,
                     sram_static > 0 ? op_sram[i] / sram_static : 0,
                     r.time_ns > 0 ? m.time_ns / r.time_ns : 0});
    add_roofline(op, m);
    set_bound(chip_, m, ttu[i], tvp[i], finish[i] - start[i]);
    out.push_back(std::move(m));
  }
  if (!description.empty()) {
    std::vector<OpMeasurement> stored = out;  // labelled as its request
    for (auto& m : stored) m.layer = -1;
    cache_->store(description, stored);
  }
  if (memoize_) window_memo_[key] = out;
  return out;
}

std::size_t OpExecutor::gated_split_end(const OperatorGraph& graph, std::size_t begin,
                                        std::size_t end) {
  if (!std::holds_alternative<GemmShape>(graph.ops[begin].shape)) return begin + 1;
  bool gated = false;
  std::size_t i = begin + 1;
  for (; i < end; ++i) {
    if (gated && std::holds_alternative<GemmShape>(graph.ops[i].shape)) break;
    for (int d : graph.ops[i].deps) gated = gated || d >= static_cast<int>(begin);
  }
  return i;
}

std::vector<OpMeasurement> OpExecutor::run_overlapped(const OperatorGraph& graph, std::size_t begin,
                                                      std::size_t end) {
  if (end == begin + 1) return {run(graph.ops[begin])};
  const std::string key = window_key("schedule", graph, begin, end);
  if (memoize_) {
    const auto it = schedule_memo_.find(key);
    if (it != schedule_memo_.end()) {
      reused_ += end - begin;
      logger().debug("op executor: schedule of operators {}..{} reused", begin, end - 1);
      return reused_measurements(it->second, graph, begin);
    }
  }
  // Candidates, each measured: the whole window; the window split before every GEMM that
  // follows an operator waiting for an in-window producer; one phase per operator. The
  // fastest is kept (the first of equals). The candidates' operators count once as simulated.
  // With a timeline, each candidate draws its programs into a scratch timeline, one after
  // another from 0; only the chosen one's are moved onto the real timeline.
  const std::uint64_t simulated0 = simulated_, reused0 = reused_;
  const auto total = [](const std::vector<OpMeasurement>& v) {
    double t = 0;
    for (const auto& m : v) t += m.time_ns;
    return t;
  };
  Timeline* const timeline = session_.timeline();
  const bool draw = timeline != nullptr && timeline->detail();
  std::vector<std::unique_ptr<Timeline>> drawings;
  std::vector<std::vector<OpMeasurement>> candidates;
  // Runs the parts [begin, cuts[0]), [cuts[0], cuts[1]), ... each as one phase.
  const auto measure = [&](const std::vector<std::size_t>& cuts) {
    if (draw) {
      drawings.push_back(std::make_unique<Timeline>());
      session_.set_timeline(drawings.back().get());
    }
    std::vector<OpMeasurement> out;
    for (std::size_t a = begin; a < end;) {
      const std::size_t b = *std::upper_bound(cuts.begin(), cuts.end(), a);
      std::vector<OpMeasurement> part =
          b == a + 1 ? std::vector<OpMeasurement>{run(graph.ops[a])} : run_window(graph, a, b);
      if (draw) drawings.back()->advance_cursor(total(part));
      out.insert(out.end(), part.begin(), part.end());
      a = b;
    }
    if (draw) session_.set_timeline(timeline);
    candidates.push_back(std::move(out));
  };
  measure({end});
  if (gated_split_end(graph, begin, end) < end) {
    std::vector<std::size_t> cuts;
    for (std::size_t a = begin; a < end; a = cuts.back())
      cuts.push_back(gated_split_end(graph, a, end));
    measure(cuts);
  }
  std::vector<std::size_t> each;
  for (std::size_t i = begin + 1; i <= end; ++i) each.push_back(i);
  measure(each);
  std::size_t best = 0;
  for (std::size_t c = 1; c < candidates.size(); ++c)
    if (total(candidates[c]) < total(candidates[best])) best = c;
  std::vector<OpMeasurement> out = std::move(candidates[best]);
  if (draw) timeline->absorb(*drawings[best], timeline->cursor());
  simulated_ = simulated0 + (end - begin);
  reused_ = reused0;
  for (auto& m : out) m.reused = false;
  if (memoize_) schedule_memo_[key] = out;
  return out;
}

IterationResult run_iteration(OpExecutor& exec, const OperatorGraph& graph) {
  return exec.run_graph(graph);
}

}  // namespace maia
