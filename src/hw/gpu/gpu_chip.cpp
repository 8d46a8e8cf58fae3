#include "maia/hw/gpu/gpu_chip.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"

namespace maia {

namespace {
constexpr std::uint64_t kOperandAlign = 4096;
}  // namespace

namespace {

// Refuses a config the model cannot time (programmatic configs skip the knob table's ranges).
void check_config(const GpuConfig& c) {
  const auto positive = [&](const char* knob, double v) {
    if (!(v > 0))
      throw InputError(fmt::format("gpu {}: {} must be positive (got {})", c.name, knob, v));
  };
  const auto fraction = [&](const char* knob, double v) {
    if (!(v > 0 && v <= 1))
      throw InputError(fmt::format("gpu {}: {} must be in (0, 1] (got {})", c.name, knob, v));
  };
  positive("clock_ghz", c.clock_ghz);
  positive("sm.count", static_cast<double>(c.sm.count));
  positive("sm.fp32_lanes", static_cast<double>(c.sm.fp32_lanes));
  positive("sm.sfu_per_cycle", static_cast<double>(c.sm.sfu_per_cycle));
  positive("sm.shared_memory_bytes", static_cast<double>(c.sm.shared_memory_bytes));
  positive("sm.max_ctas", static_cast<double>(c.sm.max_ctas));
  positive("sm.l2_port_bytes_per_cycle", static_cast<double>(c.sm.l2_port_bytes_per_cycle));
  positive("l2.bytes", static_cast<double>(c.l2.bytes));
  positive("l2.partitions", static_cast<double>(c.l2.partitions));
  positive("l2.bytes_per_cycle", static_cast<double>(c.l2.bytes_per_cycle));
  positive("nvlink.links", static_cast<double>(c.nvlink.links));
  positive("nvlink.gbps_per_link", c.nvlink.gbps_per_link);
  fraction("kernel.gemm_efficiency", c.kernel.gemm_efficiency);
  fraction("kernel.attention_efficiency", c.kernel.attention_efficiency);
  fraction("kernel.memory_efficiency", c.kernel.memory_efficiency);
  if (c.sm.macs_per_cycle_fp16 < 0 || c.sm.macs_per_cycle_fp8 < 0 || c.sm.macs_per_cycle_fp4 < 0 ||
      c.nvlink.latency_ns < 0 || c.l2.latency_cycles < 0)
    throw InputError(fmt::format(
        "gpu {}: MACs per cycle, nvlink.latency_ns and l2.latency_cycles must not be negative",
        c.name));
}

}  // namespace

GpuChip::GpuChip(sc_core::sc_module_name name, const GpuConfig& cfg)
    : sc_module(name), cfg_(cfg), hbm_port_("hbm_port") {
  check_config(cfg);
  sms_ = std::make_unique<GpuSmArray>("sms", cfg.sm, cfg.clock_ghz);
  crossbar_ = std::make_unique<GpuCrossbar>("crossbar", cfg.sm, cfg.clock_ghz);
  hbm_ = std::make_unique<HbmSubsystem>("hbm", cfg.hbm);
  l2_ = std::make_unique<GpuL2>("l2", cfg.l2, cfg.clock_ghz,
                                hbm_->peak_gbps() * cfg.kernel.memory_efficiency);
  host_ = std::make_unique<HostInterface>("host", cfg.pcie, cfg.clock_ghz);
  nvlink_ = std::make_unique<GpuNvLink>("nvlink", cfg.nvlink);
  hbm_port_.bind(hbm_->socket);
}

Picos GpuChip::canonical_start(Picos now) {
  const Picos period = hbm_->timing().tREFI;
  const Picos aligned = period > 0 ? (now + 2 * period - 1) / period * period : now;
  hbm_->precharge_all(aligned);
  l2_->flush();
  retire_before(aligned);
  return aligned;
}

void GpuChip::retire_before(Picos t) {
  sms_->retire_before(t);
  crossbar_->retire_before(t);
  l2_->retire_before(t);
  nvlink_->retire_before(t);
}

Picos GpuChip::hbm_access(std::uint64_t addr, std::uint64_t bytes, bool write, Picos at) {
  const Reservation paced = l2_->miss_path(at, bytes);
  return std::max(paced.end, hbm_->access(addr, bytes, write, at));
}

GpuKernelRun GpuChip::run(const GpuKernel& kernel, Picos start) {
  ++kernels_;
  GpuKernelRun r;
  r.start = start;
  r.end = start;
  // Operands laid out one after another in HBM.
  std::vector<std::uint64_t> base;
  std::uint64_t next = 0;
  for (const auto& o : kernel.operands) {
    base.push_back(next);
    next += (o.bytes + kOperandAlign - 1) / kOperandAlign * kOperandAlign;
  }
  if (next > hbm_->capacity_bytes())
    throw SimulationError(fmt::format("{}: kernel {} needs {} bytes of HBM, the GPU has {}", name(),
                                      kernel.name, next, hbm_->capacity_bytes()));
  const Picos tensor0 = sms_->tensor_busy_ps(), vector0 = sms_->vector_busy_ps();
  const std::uint64_t l2_0 = l2_->transfer_bytes();
  if (!kernel.ctas.empty()) run_ctas(kernel, base, start, r);
  if (kernel.collective) run_collective(*kernel.collective, r.end, r);
  r.tensor_busy_ps = sms_->tensor_busy_ps() - tensor0;
  r.vector_busy_ps = sms_->vector_busy_ps() - vector0;
  r.l2_bytes = l2_->transfer_bytes() - l2_0;
  return r;
}

void GpuChip::run_ctas(const GpuKernel& kernel, const std::vector<std::uint64_t>& base, Picos start,
                       GpuKernelRun& r) {
  const std::int64_t sms = sms_->count();
  r.resident_ctas = sms_->resident_ctas(kernel.smem_bytes_per_cta);
  const auto slots = static_cast<std::size_t>(sms * r.resident_ctas);
  const std::size_t n = kernel.ctas.size();
  r.waves = static_cast<std::int64_t>((n + slots - 1) / slots);
  // Free CTA slots by (free time, slot): slot s runs on SM s % sms.
  using Slot = std::pair<Picos, std::size_t>;
  std::priority_queue<Slot, std::vector<Slot>, std::greater<>> free;
  for (std::size_t s = 0; s < slots; ++s) free.push({start, s});
  const Picos latency = l2_->latency();
  const auto block_bytes = [&](std::uint32_t op) {
    const GpuOperand& o = kernel.operands.at(op);
    return o.block_bytes > 0 ? o.block_bytes : o.bytes;
  };
  // Write-backs wait in L2 and reach HBM in time order: the HBM controller is in order, so
  // requests are issued to it by nondecreasing arrival (before any later CTA's loads).
  struct WriteBack {
    Picos at;
    std::uint64_t seq, addr, bytes;
    bool operator>(const WriteBack& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<WriteBack, std::vector<WriteBack>, std::greater<>> write_backs;
  std::uint64_t write_seq = 0;
  Picos written = start;
  const auto write_back_until = [&](Picos t) {
    while (!write_backs.empty() && write_backs.top().at <= t) {
      const WriteBack w = write_backs.top();
      write_backs.pop();
      written = std::max(written, hbm_access(w.addr, w.bytes, true, w.at));
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (i % slots == 0) {
      // The wave's streaming working set: live bytes of each distinct block it reads.
      std::set<GpuL2::BlockKey> seen;
      std::uint64_t live = 0;
      for (std::size_t j = i; j < std::min(n, i + slots); ++j)
        for (const GpuRead& rd : kernel.ctas[j].reads)
          if (seen.insert({rd.operand, rd.block}).second)
            live += rd.live_bytes > 0 ? rd.live_bytes : rd.bytes;
      l2_->begin_wave(live);
    }
    const GpuCta& cta = kernel.ctas[i];
    const auto [t0, slot] = free.top();
    free.pop();
    write_back_until(t0);
    const auto sm = static_cast<std::int64_t>(slot % static_cast<std::size_t>(sms));
    sms_->count_cta();
    Picos compute_end = t0;
    if (cta.tensor_macs > 0)
      compute_end =
          sms_->run_tensor(sm, t0, cta.tensor_macs, kernel.mma_dtype, kernel.tensor_efficiency).end;
    if (cta.vector_ops > 0 || cta.sfu_ops > 0)
      compute_end =
          std::max(compute_end, sms_->run_vector(sm, kernel.vector_after_tensor ? compute_end : t0,
                                                 cta.vector_ops, cta.sfu_ops)
                                    .end);
    Picos data_end = t0;
    for (const GpuRead& rd : cta.reads) {
      const std::uint64_t bb = block_bytes(rd.operand);
      Picos arrived = t0;
      if (l2_->lookup({rd.operand, rd.block}, rd.bytes, bb)) {
        r.l2_hit_bytes += rd.bytes;
      } else {
        arrived = hbm_access(base[rd.operand] + rd.block * bb, rd.bytes, false, t0);
        r.hbm_read_bytes += rd.bytes;
      }
      data_end = std::max({data_end, arrived, l2_->transfer(t0, rd.bytes).end,
                           crossbar_->move(sm, t0, rd.bytes).end});
    }
    Picos end = std::max(compute_end, cta.reads.empty() ? t0 : data_end + latency);
    // Stores cross the crossbar into L2 (in the epilogue, or streamed with the loads); L2
    // writes them back to HBM once the CTA has produced them, without holding the CTA.
    const Picos store_at = kernel.store_in_epilogue ? end : t0;
    for (const GpuWrite& w : cta.writes) {
      end = std::max(
          {end, crossbar_->move(sm, store_at, w.bytes).end, l2_->transfer(store_at, w.bytes).end});
      write_backs.push({end, write_seq++, base[w.operand] + w.offset, w.bytes});
      r.hbm_write_bytes += w.bytes;
    }
    r.end = std::max(r.end, end);
    free.push({end, slot});
  }
  write_back_until(kNever);
  r.end = std::max(r.end, written);
}

void GpuChip::run_collective(const GpuRingCollective& c, Picos start, GpuKernelRun& r) {
  // Each step sends one chunk to the next rank while receiving one from the previous, and
  // streams its share of the buffers through HBM (reads from offset 0, writes after them).
  Picos t = start;
  const auto steps = static_cast<std::uint64_t>(std::max<std::int64_t>(1, c.steps));
  const std::uint64_t rd = c.hbm_read_bytes / steps, wr = c.hbm_write_bytes / steps;
  if (c.hbm_read_bytes + c.hbm_write_bytes > hbm_->capacity_bytes())
    throw SimulationError(fmt::format("{}: collective buffers of {} bytes exceed HBM ({})", name(),
                                      c.hbm_read_bytes + c.hbm_write_bytes,
                                      hbm_->capacity_bytes()));
  for (std::uint64_t s = 0; s < steps; ++s) {
    const std::uint64_t rd_s = s + 1 == steps ? c.hbm_read_bytes - rd * s : rd;
    const std::uint64_t wr_s = s + 1 == steps ? c.hbm_write_bytes - wr * s : wr;
    Picos end = nvlink_->exchange(t, c.step_bytes);
    if (rd_s > 0) end = std::max(end, hbm_access(rd * s, rd_s, false, t));
    if (wr_s > 0) end = std::max(end, hbm_access(c.hbm_read_bytes + wr * s, wr_s, true, t));
    r.hbm_read_bytes += rd_s;
    r.hbm_write_bytes += wr_s;
    r.network_bytes += c.step_bytes;
    t = end;
  }
  r.end = std::max(r.end, t);
}

Picos GpuChip::host_transfer(std::uint64_t bytes, bool to_device, Picos at) {
  const Flow f = host_->link_transfer(
      to_device ? PcieDirection::kHostToDevice : PcieDirection::kDeviceToHost, bytes, {at, at});
  return f.last;
}

void GpuChip::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup g(name());
  g.set("kernels", static_cast<double>(kernels_), "", "kernels run");
  out.push_back(std::move(g));
  sms_->collect_stats(out);
  crossbar_->collect_stats(out);
  l2_->collect_stats(out);
  hbm_->collect_stats(out);
  host_->collect_stats(out);
  nvlink_->collect_stats(out);
}

}  // namespace maia
