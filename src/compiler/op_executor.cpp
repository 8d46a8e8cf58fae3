#include "maia/compiler/op_executor.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/chip/peaks.hpp"
#include "maia/kernels/attention_kernel.hpp"
#include "maia/kernels/gemm_kernel.hpp"
#include "maia/kernels/vector_kernel.hpp"
#include "maia/program/vector_functions.hpp"

namespace maia {
namespace {

// The TVP's peak FLOP rate over all enabled tiles (FMA pipes, 16-bit lanes).
double tvp_peak_flops(const ChipConfig& c) {
  return static_cast<double>(c.enabled_tiles() * c.tile.tvp.lanes_16bit * c.tile.tvp.pipes) * 2.0 *
         c.clock_ghz * 1e9;
}

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
    return {std::move(k.program), std::move(k.prefetch)};
  }
  if (const auto* a = std::get_if<AttentionShape>(&op.shape)) {
    AttentionSpec spec;
    for (const auto& s : a->sequences) spec.sequences.push_back({s.q_tokens, s.kv_tokens});
    spec.heads = a->heads;
    spec.kv_heads = a->kv_heads;
    spec.head_dim = a->head_dim;
    spec.window = a->window;
    spec.q_dtype = a->q_dtype;
    spec.kv_dtype = a->kv_dtype;
    spec.place = place;
    return {build_attention_kernel(chip, spec), {}};
  }
  const auto& v = std::get<VectorShape>(op.shape);
  return {build_vector_kernel(chip, {v.function, v.elements, v.rows,
                                     vector_function_inputs(v.function), v.dtype, v.dtype, place}),
          {}};
}

Program lower_operator(const ChipConfig& chip, const Operator& op) {
  return lower_operator(chip, op, {}, 0, false).program;
}

OpExecutor::OpExecutor(ChipSession& session, const ChipConfig& chip, bool memoize, bool prefetch)
    : session_(session), chip_(chip), memoize_(memoize), prefetch_(prefetch) {}

KernelPlacement OpExecutor::half(int parity) const {
  // Consecutive operators alternate between two halves of CSRAM and two HBM regions, so the
  // next operator's weights can be loaded into its own buffers while the current one runs.
  const auto csram = static_cast<std::uint64_t>(chip_.cluster.csram.bytes) / 2;
  constexpr std::uint64_t kHbmRegion = 64ull << 30;
  return {static_cast<std::uint64_t>(parity) * kHbmRegion,
          static_cast<std::uint64_t>(parity) * csram, csram};
}

bool OpExecutor::can_prefetch(const Operator& op, bool prefetched_in, const Operator& next) {
  if (!std::holds_alternative<GemmShape>(next.shape)) return false;
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

OpMeasurement OpExecutor::run(const Operator& op) { return run_placed(op, nullptr, false, 0); }

OpMeasurement OpExecutor::run_placed(const Operator& op, const Operator* next, bool prefetched_in,
                                     int parity) {
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
      OpMeasurement m = it->second;
      m.name = op.name;
      m.layer = op.layer;
      m.reused = true;
      return m;
    }
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
  m.flops = static_cast<double>(op.cost.flops);
  m.hbm_bytes = r.hbm_read_bytes + r.hbm_write_bytes;
  m.sram_bytes =
      r.csram_read_bytes + r.csram_write_bytes + r.tsram_read_bytes + r.tsram_write_bytes;
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
  m.compute_ns = m.flops / peak * 1e9;
  m.memory_ns = must_move / hbm_peak_gbps(chip_.hbm);
  m.roofline_ns = std::max(m.compute_ns, m.memory_ns);
  // The bound: the resource busiest relative to its peak during the operator. TTU and TVP
  // utilisation are measured (busy time of every tile's engine), HBM and SRAM from their bytes.
  const double t = std::max(m.time_ns, 1e-9);
  double ttu_busy = 0, tvp_busy = 0;
  for (const auto& e : r.engines) {
    if (e.name.ends_with(".ttu")) ttu_busy += e.busy_ns;
    if (e.name.ends_with(".tvp")) tvp_busy += e.busy_ns;
  }
  const double tiles = static_cast<double>(chip_.enabled_tiles());
  const std::pair<double, const char*> use[] = {
      {ttu_busy / tiles / t, "compute"},
      {tvp_busy / tiles / t, "vector"},
      {m.hbm_bytes / hbm_peak_gbps(chip_.hbm) / t, "hbm"},
      {m.sram_bytes / chip_sram_peak_gbps(chip_) / t, "sram"},
  };
  const auto* top = &use[0];
  for (const auto& u : use)
    if (u.first > top->first) top = &u;
  m.bound = top->second;
  m.bound_utilisation = top->first;
  if (memoize_) memo_[key] = m;
  return m;
}

bool weights_fit_sram(const ChipConfig& chip, std::uint64_t weight_bytes) {
  return weight_bytes <= static_cast<std::uint64_t>(chip.clusters * chip.cluster.csram.bytes) / 2;
}

IterationResult OpExecutor::run_graph(const OperatorGraph& graph) {
  IterationResult r;
  r.ops.reserve(graph.ops.size());
  bool prefetched_in = false;
  for (std::size_t i = 0; i < graph.ops.size(); ++i) {
    const Operator& op = graph.ops[i];
    const Operator* next = i + 1 < graph.ops.size() ? &graph.ops[i + 1] : nullptr;
    if (!prefetch_ || weights_resident_ || (next && !can_prefetch(op, prefetched_in, *next)))
      next = nullptr;
    r.ops.push_back(run_placed(op, next, prefetched_in, static_cast<int>(i % 2)));
    r.time_ns += r.ops.back().time_ns;
    prefetched_in = next != nullptr;
  }
  return r;
}

IterationResult run_iteration(OpExecutor& exec, const OperatorGraph& graph) {
  return exec.run_graph(graph);
}

}  // namespace maia
