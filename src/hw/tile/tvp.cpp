#include "maia/hw/tile/tvp.hpp"

#include <algorithm>
#include <cmath>

#include "maia/program/vector_functions.hpp"

namespace maia {

std::int64_t tvp_cycles(const TvpConfig& tvp, const std::string& function, std::int64_t elements,
                        DType dtype) {
  const VectorFunction* f = find_vector_function(function);
  const double n = static_cast<double>(elements);
  const double ops = n * (f ? f->pipe_ops_per_element : 1.0);
  const double fp32_ops = n * (f ? f->fp32_pipe_ops_per_element : 0.0);
  const std::int64_t lanes = dtype_is_narrow_for_tvp(dtype) ? tvp.lanes_16bit : tvp.lanes_fp32;
  const double cycles = ops / static_cast<double>(lanes * tvp.pipes) +
                        fp32_ops / static_cast<double>(tvp.lanes_fp32 * tvp.pipes);
  return static_cast<std::int64_t>(std::ceil(cycles)) + tvp.pipeline_cycles;
}

Tvp::Tvp(sc_core::sc_module_name name, Location where, SemaphoreFabric& sync,
         OccupancyServer* issue, Picos issue_cost, const TvpConfig& cfg, double clock_ghz,
         BankedSram& tsram)
    : QueueEngine(name, EngineKind::kTvp, std::move(where), sync, issue, issue_cost),
      cfg_(cfg),
      clock_ghz_(clock_ghz),
      tsram_(tsram) {}

Picos Tvp::execute(const Instruction& in) {
  const Picos start = now_ps();
  const std::int64_t cycles = tvp_cycles(cfg_, in.function, in.elements, in.a_dtype);
  const Picos compute_end = start + cycles_to_ps(static_cast<double>(cycles), clock_ghz_);
  const auto e = static_cast<std::uint64_t>(in.elements);
  // Inputs and output stream through TSRAM during the instruction; the SRAM latency is part of
  // the pipeline fill, so only bookings running past the compute window stall it.
  auto streamed = [&](const BufferRef& r, std::uint64_t bytes, bool write) {
    return tsram_.access(buffer(r).offset + r.offset, bytes, write, {start, compute_end}, true)
               .last -
           tsram_.latency();
  };
  Picos end = compute_end;
  for (const auto& op : in.operands)
    end = std::max(end, streamed(op, dtype_bytes(in.a_dtype, e), false));
  end = std::max(end, streamed(in.c, dtype_bytes(in.c_dtype, e), true));
  const VectorFunction* f = find_vector_function(in.function);
  flops_ += static_cast<double>(in.elements) * (f ? f->flops_per_element : 0.0);
  elements_ += in.elements;
  wait_until(end);
  return end;
}

void Tvp::add_stats(StatGroup& g) const {
  g.set("flops", flops_, "FLOP", "vector FLOPs (function table)");
  g.set("elements", static_cast<double>(elements_), "count", "elements processed");
}

}  // namespace maia
