#include "maia/report/activity.hpp"

#include "maia/report/op_measurement.hpp"

namespace maia {

namespace {
// Applies `f` to each count of `a` with the matching count of `b`.
template <typename F>
void each_count(Activity& a, const Activity& b, F f) {
  f(a.macs_fp4, b.macs_fp4);
  f(a.macs_fp8, b.macs_fp8);
  f(a.macs_bf16, b.macs_bf16);
  f(a.vector_ops, b.vector_ops);
  f(a.near_sram_read_bytes, b.near_sram_read_bytes);
  f(a.near_sram_write_bytes, b.near_sram_write_bytes);
  f(a.far_sram_read_bytes, b.far_sram_read_bytes);
  f(a.far_sram_write_bytes, b.far_sram_write_bytes);
  f(a.noc_byte_hops, b.noc_byte_hops);
  f(a.hbm_activates, b.hbm_activates);
  f(a.hbm_read_bytes, b.hbm_read_bytes);
  f(a.hbm_write_bytes, b.hbm_write_bytes);
  f(a.hbm_refreshes, b.hbm_refreshes);
  f(a.network_bytes, b.network_bytes);
  f(a.pcie_bytes, b.pcie_bytes);
}
}  // namespace

Activity& Activity::operator+=(const Activity& o) {
  each_count(*this, o, [](double& x, double y) { x += y; });
  return *this;
}

Activity Activity::scaled(double f) const {
  Activity a = *this;
  each_count(a, a, [f](double& x, double) { x *= f; });
  return a;
}

Activity operator+(Activity a, const Activity& b) { return a += b; }

Activity operator-(const Activity& a, const Activity& b) { return a + b.scaled(-1); }

Activity IterationResult::activity() const {
  Activity a;
  for (const auto& m : ops) a += m.activity;
  return a;
}

}  // namespace maia
