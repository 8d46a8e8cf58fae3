#include "maia/serving/serving_run.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/chip/chip.hpp"
#include "maia/hw/hbm/hbm_address_map.hpp"
#include "maia/report/percentiles.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {
namespace {

std::int64_t bucket(std::int64_t cached, std::int64_t b) {
  if (b <= 1) return cached;
  return (cached + b / 2) / b * b;
}

Json distribution_ms_s(const std::vector<double>& seconds) {
  const Distribution d = distribution(seconds);
  return Json{
      {"mean", d.mean * 1e3}, {"p50", d.p50 * 1e3}, {"p90", d.p90 * 1e3}, {"p99", d.p99 * 1e3}};
}

std::string csv_text(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string opt_s(const std::optional<double>& v) {
  return v ? fmt::format("{:.9f}", *v) : std::string();
}

}  // namespace

std::vector<Sequence> bucketed_batch(const std::vector<Sequence>& batch,
                                     std::int64_t bucket_tokens) {
  std::vector<Sequence> out = batch;
  for (auto& s : out) s.cached_tokens = bucket(s.cached_tokens, bucket_tokens);
  return out;
}

std::string serving_batch_signature(const std::vector<Sequence>& batch,
                                    std::int64_t bucket_tokens) {
  std::vector<std::tuple<std::int64_t, std::int64_t, bool>> keys;
  keys.reserve(batch.size());
  for (const auto& s : batch)
    keys.emplace_back(bucket(s.cached_tokens, bucket_tokens), s.new_tokens, s.samples);
  std::sort(keys.begin(), keys.end());
  std::string sig;
  for (const auto& [c, n, smp] : keys) sig += fmt::format("{}:{}:{};", c, n, smp ? 1 : 0);
  return sig;
}

SchedulerConfig serving_scheduler_config(const ChipConfig& chip, const ModelConfig& model,
                                         const Quantization& quant, const ServingOptions& options) {
  SchedulerConfig c;
  c.max_num_seqs = options.max_num_seqs;
  c.max_batched_tokens = options.max_batched_tokens;
  c.block_tokens = options.block_tokens;
  c.prefix_caching = options.prefix_caching;
  c.kv_blocks = 1;  // validated below with the real count
  validate_scheduler_config(c);
  // Workspace at its largest: max_batched_tokens new tokens over max_num_seqs sampling sequences.
  std::vector<Sequence> worst(static_cast<std::size_t>(c.max_num_seqs), Sequence{0, 1, true});
  worst.front().new_tokens = c.max_batched_tokens - (c.max_num_seqs - 1);
  const MemoryFootprint f = memory_footprint(model, quant, worst);
  const std::uint64_t hbm = HbmAddressMap(chip.hbm).capacity_bytes();
  const std::uint64_t block =
      kv_cache_bytes(model, quant.kv_cache, {Sequence{0, c.block_tokens, true}});
  const std::uint64_t fixed = f.weight_bytes + f.workspace_bytes;
  const std::int64_t blocks =
      hbm > fixed && block > 0 ? static_cast<std::int64_t>((hbm - fixed) / block) : 0;
  if (blocks < 1)
    throw InputError(fmt::format(
        "{} ({}): no room for the KV cache: weights {:.2f} GB + workspace {:.2f} GB of HBM "
        "{:.2f} GB",
        model.name, quantization_text(quant), f.weight_bytes / 1e9, f.workspace_bytes / 1e9,
        hbm / 1e9));
  c.kv_blocks = blocks;
  return c;
}

ServingResult run_serving(ChipSession& session, OpExecutor& exec, const ModelConfig& model,
                          const Quantization& quant, const std::vector<Request>& requests,
                          const ServingOptions& options) {
  const ChipConfig& chip = session.chip().config();
  ServingResult r;
  r.config = serving_scheduler_config(chip, model, quant, options);
  r.hbm_capacity_bytes = HbmAddressMap(chip.hbm).capacity_bytes();
  r.kv_block_bytes =
      kv_cache_bytes(model, quant.kv_cache, {Sequence{0, r.config.block_tokens, true}});
  {
    std::vector<Sequence> worst(static_cast<std::size_t>(r.config.max_num_seqs),
                                Sequence{0, 1, true});
    worst.front().new_tokens = r.config.max_batched_tokens - (r.config.max_num_seqs - 1);
    r.memory = memory_footprint(model, quant, worst);
    r.memory.kv_cache_bytes = static_cast<std::uint64_t>(r.config.kv_blocks) * r.kv_block_bytes;
  }
  const std::uint64_t sim0 = exec.simulated(), reused0 = exec.reused();

  Scheduler sched(r.config);
  std::unordered_map<std::string, double> memo;  // signature -> iteration time (ns)
  std::size_t next = 0;
  double now = requests.empty() ? 0.0 : requests.front().arrival_s;
  r.first_arrival_s = now;
  r.end_s = now;
  for (;;) {
    while (next < requests.size() && requests[next].arrival_s <= now)
      sched.submit(requests[next++]);
    if (next >= requests.size() && sched.idle()) break;
    IterationPlan plan = sched.next_iteration(now);
    if (plan.empty()) {
      // Nothing admissible: jump to the next arrival (queued or not yet submitted).
      std::optional<double> t = sched.next_arrival_s();
      if (next < requests.size())
        t = t ? std::min(*t, requests[next].arrival_s) : requests[next].arrival_s;
      if (!t) break;  // nothing left to run
      if (*t <= now) {
        // Admissible by time yet unplannable: submit the next arrival, or give up.
        if (next < requests.size()) {
          now = std::max(now, requests[next].arrival_s);
          continue;
        }
        throw SimulationError("serving loop: the scheduler made no progress");
      }
      now = *t;
      continue;
    }
    double t_ns = 0;
    bool simulated = true;
    const bool is_prefill = plan.prefill_tokens > 0;
    if (options.exact) {
      IterationResult it = run_iteration(exec, build_iteration_graph(model, quant, plan.batch));
      t_ns = it.time_ns;
      auto& sample = is_prefill ? r.prefill_sample : r.decode_sample;
      if (sample.ops.empty()) sample = std::move(it);
    } else {
      const std::string sig = serving_batch_signature(plan.batch, options.context_bucket_tokens);
      auto found = memo.find(sig);
      if (found != memo.end()) {
        t_ns = found->second;
        simulated = false;
      } else {
        IterationResult it = run_iteration(
            exec, build_iteration_graph(model, quant,
                                        bucketed_batch(plan.batch, options.context_bucket_tokens)));
        t_ns = it.time_ns;
        memo.emplace(sig, t_ns);
        auto& sample = is_prefill ? r.prefill_sample : r.decode_sample;
        if (sample.ops.empty()) sample = std::move(it);
      }
    }
    ++r.iterations;
    (simulated ? r.simulated_iterations : r.reused_iterations)++;
    ServingPhase& ph = is_prefill ? r.prefill : r.decode;
    ++ph.iterations;
    if (simulated) ++ph.simulated;
    ph.tokens += plan.scheduled_tokens;
    ph.time_ns += t_ns;
    now += t_ns / 1e9;
    sched.complete_iteration(plan, now);
    r.end_s = now;
    if (options.progress) {
      const SchedulerStats st = sched.stats();
      options.progress({st.completed + st.rejected, static_cast<std::int64_t>(requests.size()),
                        r.iterations, now - r.first_arrival_s});
    }
  }
  r.records = sched.records();
  r.stats = sched.stats();
  r.ops_simulated = exec.simulated() - sim0;
  r.ops_reused = exec.reused() - reused0;
  return r;
}

RunSummary serving_summary(const ServingResult& r, const std::string& model,
                           const std::string& chip, const Quantization& quant, bool memoize,
                           const Json& workload) {
  RunSummary s;
  s.model = model;
  s.chip = chip;
  s.quant = quant;
  s.workload = workload;
  s.submitted = static_cast<std::int64_t>(r.records.size());
  for (const auto& rec : r.records) {
    if (rec.status == RequestStatus::kRejected) ++s.rejected;
    if (!rec.finished()) continue;
    RequestMetrics m;
    m.prompt_tokens = rec.input_tokens;
    m.output_tokens = rec.generated;
    m.ttft_ns = rec.ttft_s().value_or(0) * 1e9;
    m.e2e_ns = rec.e2e_s().value_or(0) * 1e9;
    s.requests.push_back(m);
  }
  s.simulated_ns = r.makespan_s() * 1e9;
  const auto phase = [](const std::string& name, const ServingPhase& p) {
    return PhaseBreakdown{name, p.iterations, p.simulated, p.tokens, p.time_ns};
  };
  s.phases = {phase("prefill", r.prefill), phase("decode", r.decode)};
  s.ops_simulated = r.ops_simulated;
  s.ops_reused = r.ops_reused;
  s.memoize = memoize;
  s.memory = r.memory;
  s.hbm_capacity_bytes = r.hbm_capacity_bytes;
  if (!r.prefill_sample.ops.empty()) s.op_phases.push_back({"prefill", r.prefill_sample.ops});
  if (!r.decode_sample.ops.empty()) s.op_phases.push_back({"decode", r.decode_sample.ops});
  return s;
}

Json serving_summary_json(const RunSummary& s, const ServingResult& r) {
  Json j = summary_json(s);
  std::vector<double> queueing, itl;
  std::int64_t preempted_requests = 0;
  for (const auto& rec : r.records) {
    if (!rec.finished()) continue;
    if (auto q = rec.queueing_delay_s()) queueing.push_back(*q);
    for (double g : rec.inter_token_s()) itl.push_back(g);
    if (rec.preemptions > 0) ++preempted_requests;
  }
  const auto& kv = r.stats.kv;
  j["serving"] = {{"queueing_delay_ms", distribution_ms_s(queueing)},
                  {"inter_token_ms", distribution_ms_s(itl)},
                  {"max_num_seqs", r.config.max_num_seqs},
                  {"max_batched_tokens", r.config.max_batched_tokens},
                  {"block_tokens", r.config.block_tokens},
                  {"kv_blocks", r.config.kv_blocks},
                  {"kv_block_bytes", r.kv_block_bytes},
                  {"kv_peak_utilisation", kv.peak_utilisation()},
                  {"preemptions", r.stats.preemptions},
                  {"preempted_requests", preempted_requests},
                  {"prefix_caching", r.config.prefix_caching},
                  {"prefix_query_tokens", kv.prefix_query_tokens},
                  {"prefix_hit_tokens", kv.prefix_hit_tokens},
                  {"prefix_hit_rate", kv.prefix_query_tokens > 0
                                          ? static_cast<double>(kv.prefix_hit_tokens) /
                                                static_cast<double>(kv.prefix_query_tokens)
                                          : 0.0},
                  {"prefill_tokens", r.stats.prefill_tokens},
                  {"decode_tokens", r.stats.decode_tokens},
                  {"iterations", r.iterations},
                  {"iterations_simulated", r.simulated_iterations},
                  {"iterations_reused", r.reused_iterations}};
  return j;
}

void write_requests_csv(const ServingResult& r, const std::string& file) {
  std::ofstream out(file);
  if (!out) throw InputError(fmt::format("{}: cannot write file", file));
  out << "id,arrival_s,first_token_s,finish_s,input_tokens,output_tokens,preemptions,status,"
         "reason\n";
  for (const auto& rec : r.records)
    out << fmt::format("{},{:.9f},{},{},{},{},{},{},{}\n", rec.id, rec.arrival_s,
                       opt_s(rec.first_token_s), opt_s(rec.finish_s), rec.input_tokens,
                       rec.generated, rec.preemptions, to_string(rec.status),
                       csv_text(rec.reject_reason));
  if (!out) throw InputError(fmt::format("{}: write failed", file));
}

void write_serving_outputs(const RunSummary& s, const ServingResult& r, const std::string& dir) {
  write_run_outputs(s, dir);  // creates dir, ops.csv; summary.json rewritten with the block
  const std::string summary = (std::filesystem::path(dir) / "summary.json").string();
  std::ofstream out(summary);
  if (!out) throw InputError(fmt::format("{}: cannot write file", summary));
  out << serving_summary_json(s, r).dump(2) << "\n";
  if (!out) throw InputError(fmt::format("{}: write failed", summary));
  write_requests_csv(r, (std::filesystem::path(dir) / "requests.csv").string());
}

}  // namespace maia
