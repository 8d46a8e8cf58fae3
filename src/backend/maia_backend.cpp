#include "maia/backend/maia_backend.hpp"

#include "maia/config/hbm_capacity.hpp"
#include "maia/kernels/collective_kernel.hpp"
#include "maia/kernels/transfer_kernels.hpp"

namespace maia {

MaiaBackend::MaiaBackend(const ChipConfig& cfg, const BackendOptions& options)
    : cfg_(cfg), options_(options) {}

MaiaBackend::MaiaBackend(ChipSession& session, OpExecutor& exec)
    : cfg_(session.config()), timeline_(session.timeline()), session_(&session), exec_(&exec) {}

std::uint64_t MaiaBackend::memory_capacity_bytes() const { return hbm_capacity_bytes(cfg_.hbm); }

bool MaiaBackend::weights_fit_on_chip(std::uint64_t weight_bytes) const {
  return weights_fit_sram(cfg_, weight_bytes);
}

std::int64_t MaiaBackend::tensor_parallel_limit() const {
  return maia::tensor_parallel_limit(cfg_);
}

ChipSession& MaiaBackend::session() {
  if (!session_) {
    own_session_ = std::make_unique<ChipSession>(cfg_);
    own_session_->set_timeline(timeline_);
    session_ = own_session_.get();
  }
  return *session_;
}

OpExecutor& MaiaBackend::executor() {
  if (!exec_) {
    own_exec_ = std::make_unique<OpExecutor>(session(), cfg_, options_.memoize, options_.prefetch);
    own_exec_->set_overlap(options_.overlap);
    own_exec_->set_weights_resident(weights_resident_);
    own_exec_->set_collective_timer(timer_);
    own_exec_->set_measurement_cache(options_.cache);
    exec_ = own_exec_.get();
  }
  return *exec_;
}

IterationResult MaiaBackend::run_graph(const OperatorGraph& graph) {
  return run_iteration(executor(), graph);
}

double MaiaBackend::host_transfer_ns(std::uint64_t bytes, bool to_device) {
  RunOptions opt;
  opt.include_module_stats = false;
  // Like operator phases, a transfer's time must not depend on what the session ran before:
  // with the measurement cache, fewer phases run before it than without.
  opt.canonical_start = true;
  return session().run(build_host_copy(cfg_, bytes, to_device), opt).time_ns;
}

void MaiaBackend::set_weights_resident(bool on) {
  weights_resident_ = on;
  if (exec_) exec_->set_weights_resident(on);
}

void MaiaBackend::set_collective_timer(const CollectiveTimer* timer) {
  timer_ = timer;
  if (exec_) exec_->set_collective_timer(timer);
}

void MaiaBackend::set_timeline(Timeline* timeline) {
  timeline_ = timeline;
  if (session_) session_->set_timeline(timeline);
}

Timeline* MaiaBackend::timeline() const { return session_ ? session_->timeline() : timeline_; }

std::uint64_t MaiaBackend::operators_simulated() const { return exec_ ? exec_->simulated() : 0; }

std::uint64_t MaiaBackend::operators_reused() const { return exec_ ? exec_->reused() : 0; }

}  // namespace maia
