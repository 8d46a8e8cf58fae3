#include "maia/backend/gpu_backend.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/config/hbm_capacity.hpp"
#include "maia/core/error.hpp"
#include "maia/core/log.hpp"
#include "maia/hw/gpu/gpu_chip.hpp"
#include "maia/hw/gpu/gpu_peaks.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"
#include "maia/kernels/gpu/gpu_lowering.hpp"
#include "maia/kernels/system_collective.hpp"
#include "maia/sim/program_run.hpp"
#include "maia/sim/timeline_recording.hpp"

namespace maia {

namespace {

constexpr int kGpuTimelineOrder = 20;  // after serving, before host and HBM

// Advances SystemC to `t` (a GpuChip computes times ahead; the kernel catches up).
void advance_to(Picos t) {
  const Picos now = now_ps();
  if (t > now) sc_core::sc_start(to_sc(t - now));
}

// The GPU's event counters (cumulative), to diff around an operator: tensor-core MACs (at the
// operator's MMA precision), FP32 and SFU operations, L2 bytes (the far SRAM), crossbar bytes (the
// on-chip network, one hop), HBM, NVLink and PCIe.
Activity gpu_counters(const GpuChip& gpu, const Operator& op) {
  std::vector<StatGroup> s;
  gpu.collect_stats(s);
  Activity a;
  const double macs = sum_stat(s, ".sms", "tensor_macs");
  DType mma = DType::kBf16;
  if (const auto* g = std::get_if<GemmShape>(&op.shape))
    mma = gpu_mma_dtype(g->a_dtype, g->b_dtype);
  if (const auto* at = std::get_if<AttentionShape>(&op.shape))
    mma = gpu_mma_dtype(at->q_dtype, at->kv_dtype);
  (mma == DType::kFp4 ? a.macs_fp4 : mma == DType::kFp8 ? a.macs_fp8 : a.macs_bf16) = macs;
  a.vector_ops = sum_stat(s, ".sms", "vector_ops") + sum_stat(s, ".sms", "sfu_ops");
  a.far_sram_read_bytes = sum_stat(s, ".l2", "bytes");
  a.noc_byte_hops = sum_stat(s, ".crossbar", "bytes");
  a.hbm_activates = sum_stat(s, ".hbm", "activates");
  a.hbm_refreshes = sum_stat(s, ".hbm", "refreshes");
  a.hbm_read_bytes = sum_stat(s, ".hbm", "read_bytes");
  a.hbm_write_bytes = sum_stat(s, ".hbm", "write_bytes");
  a.network_bytes = sum_stat(s, ".nvlink", "tx_bytes");
  a.pcie_bytes =
      sum_stat(s, ".host", "h2d_payload_bytes") + sum_stat(s, ".host", "d2h_payload_bytes");
  return a;
}

// FLOP rate an operator's roofline uses: the tensor peak of its MMA type, else the FP32 peak.
double roofline_peak_flops(const GpuConfig& c, const Operator& op) {
  if (const auto* g = std::get_if<GemmShape>(&op.shape))
    return gpu_tensor_peak_flops(c, gpu_mma_dtype(g->a_dtype, g->b_dtype));
  if (const auto* a = std::get_if<AttentionShape>(&op.shape))
    return gpu_tensor_peak_flops(c, gpu_mma_dtype(a->q_dtype, a->kv_dtype));
  return gpu_vector_peak_flops(c);
}

}  // namespace

GpuBackend::GpuBackend(const GpuConfig& cfg, const BackendOptions& options)
    : cfg_(cfg), options_(options) {}

GpuBackend::~GpuBackend() = default;

std::uint64_t GpuBackend::memory_capacity_bytes() const { return hbm_capacity_bytes(cfg_.hbm); }

GpuChip& GpuBackend::chip() {
  if (!chip_) chip_ = std::make_unique<GpuChip>("gpu", cfg_);
  return *chip_;
}

std::vector<StatGroup> GpuBackend::module_stats() const {
  std::vector<StatGroup> out;
  if (chip_) chip_->collect_stats(out);
  return out;
}

GpuBackend::Measured GpuBackend::simulate(const Operator& op) {
  check_operator_scale(op.shape, fmt::format("operator {}", op.name));
  if (const auto* c = std::get_if<CollectiveShape>(&op.shape);
      c && timer_ != nullptr &&
      (c->kind == CollectiveKind::kAllToAll || c->ranks > cfg_.nvlink.domain_gpus)) {
    // Beyond the NVLink ring this backend lowers: the system's collective timer prices it.
    ++simulated_;
    return {time_system_collective(*timer_, op), {}};
  }
  const std::vector<GpuKernel> kernels = lower_gpu_operator(cfg_, op);
  GpuChip& gpu = chip();
  const Picos start = gpu.canonical_start(now_ps());
  advance_to(start);
  const GpuKernelConfig& kc = cfg_.kernel;
  const Picos gap = ns_to_ps(kc.cuda_graphs == 1 ? kc.graph_launch_gap_ns : kc.launch_gap_ns);
  Measured out;
  OpMeasurement& m = out.m;
  GpuKernelRun sum;
  const Activity before = gpu_counters(gpu, op);
  Picos t = start;
  for (const GpuKernel& k : kernels) {
    const GpuKernelRun r = gpu.run(k, t + gap);
    out.kernels.push_back({k.name, r.start - start, r.end - start});
    sum.hbm_read_bytes += r.hbm_read_bytes;
    sum.hbm_write_bytes += r.hbm_write_bytes;
    sum.l2_bytes += r.l2_bytes;
    sum.network_bytes += r.network_bytes;
    sum.tensor_busy_ps += r.tensor_busy_ps;
    sum.vector_busy_ps += r.vector_busy_ps;
    t = r.end;
  }
  advance_to(t);
  ++simulated_;
  m.activity = gpu_counters(gpu, op) - before;
  m.name = op.name;
  m.layer = op.layer;
  m.kind = std::string(op.kind());
  m.signature = op.signature;
  m.time_ns = ps_to_ns(t - start);
  m.finish_ns = m.time_ns;
  m.flops = static_cast<double>(op.cost.flops);
  m.hbm_bytes = static_cast<double>(sum.hbm_read_bytes + sum.hbm_write_bytes);
  m.sram_bytes = static_cast<double>(sum.l2_bytes);
  m.network_bytes = static_cast<double>(sum.network_bytes);
  // Roofline from the operator's own cost at the GPU's peaks.
  const OpCost& c = op.cost;
  const double must_move =
      static_cast<double>(c.weight_bytes + c.activation_read_bytes + c.activation_write_bytes +
                          c.kv_read_bytes + c.kv_write_bytes);
  const double hbm_gbps = hbm_peak_gbps(cfg_.hbm);
  m.compute_ns = m.flops / roofline_peak_flops(cfg_, op) * 1e9;
  m.memory_ns = must_move / hbm_gbps;
  if (const auto* col = std::get_if<CollectiveShape>(&op.shape)) {
    m.collective = std::string(collective_kind_name(col->kind));
    m.network_ports = static_cast<int>(cfg_.nvlink.links);
    m.network_ns = static_cast<double>(c.network_bytes) / gpu_nvlink_gbps(cfg_);
  }
  m.roofline_ns = std::max({m.compute_ns, m.memory_ns, m.network_ns});
  // The bound: the resource busiest relative to its peak over the operator's time.
  const double span = std::max(m.time_ns, 1e-9);
  const double sms = static_cast<double>(cfg_.sm.count);
  const std::pair<double, const char*> use[] = {
      {ps_to_ns(sum.tensor_busy_ps) / sms / span, "compute"},
      {ps_to_ns(sum.vector_busy_ps) / sms / span, "vector"},
      {m.hbm_bytes / hbm_gbps / span, "hbm"},
      {m.sram_bytes / gpu_l2_gbps(cfg_) / span, "sram"},
      {m.network_bytes / gpu_nvlink_gbps(cfg_) / span, "network"},
  };
  const auto* top = &use[0];
  for (const auto& u : use)
    if (u.first > top->first) top = &u;
  m.bound = top->second;
  m.bound_utilisation = top->first;
  logger().debug("gpu backend: {} (layer {}): {} kernel(s), {:.3f} us, {}-bound", op.name, op.layer,
                 kernels.size(), m.time_ns / 1e3, m.bound);
  return out;
}

const GpuBackend::Measured& GpuBackend::measure(const Operator& op, bool& reused) {
  reused = false;
  if (!options_.memoize) {
    last_ = simulate(op);
    return last_;
  }
  const auto it = memo_.find(op.signature);
  if (it != memo_.end()) {
    ++reused_;
    reused = true;
    return it->second;
  }
  return memo_.emplace(op.signature, simulate(op)).first->second;
}

OpMeasurement GpuBackend::run_operator(const Operator& op) {
  bool reused = false;
  const Measured& measured = measure(op, reused);
  OpMeasurement m = measured.m;
  m.name = op.name;
  m.layer = op.layer;
  m.reused = reused;
  return m;
}

void GpuBackend::draw(const Measured& measured, const OpMeasurement& m) {
  if (timeline_ == nullptr || !timeline_->detail()) return;
  const Picos base = timeline_->cursor();
  const std::uint32_t track = timeline_->track("gpu", kGpuTimelineOrder, "kernels", 0);
  for (const auto& k : measured.kernels) {
    SpanArgs args;
    args.add("operator", m.name).add("reused", m.reused);
    timeline_->span(SpanKind::kEngine, track, k.name, base + k.start, base + k.end, args);
  }
  record_operator(*timeline_, m);
}

IterationResult GpuBackend::run_graph(const OperatorGraph& graph) {
  for (const auto& op : graph.ops)
    check_operator_scale(op.shape, fmt::format("{}: operator {}", graph.name, op.name));
  IterationResult r;
  r.ops.reserve(graph.ops.size());
  for (const auto& op : graph.ops) {
    bool reused = false;
    const Measured& measured = measure(op, reused);
    OpMeasurement m = measured.m;
    m.name = op.name;
    m.layer = op.layer;
    m.reused = reused;
    draw(measured, m);
    r.time_ns += m.time_ns;
    r.ops.push_back(std::move(m));
  }
  return r;
}

double GpuBackend::host_transfer_ns(std::uint64_t bytes, bool to_device) {
  if (bytes == 0) throw InputError("gpu host transfer: bytes must be at least 1");
  const Picos start = now_ps();
  const Picos end = chip().host_transfer(bytes, to_device, start);
  advance_to(end);
  return ps_to_ns(end - start);
}

}  // namespace maia
