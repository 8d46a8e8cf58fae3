#include "maia/serving/serving_run.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <unordered_set>

#include <fmt/format.h>

#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"
#include "maia/report/percentiles.hpp"
#include "maia/serving/host_io.hpp"
#include "maia/serving/iteration_cost_model.hpp"
#include "maia/serving/kv_pools.hpp"
#include "maia/serving/serving_timeline.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {
namespace {

Json distribution_ms_s(const std::vector<double>& seconds) {
  const Distribution d = distribution(seconds);
  return Json{
      {"mean", d.mean * 1e3}, {"p50", d.p50 * 1e3}, {"p90", d.p90 * 1e3}, {"p99", d.p99 * 1e3}};
}

std::string opt_s(const std::optional<double>& v) {
  return v ? fmt::format("{:.9f}", *v) : std::string();
}

}  // namespace

SchedulerConfig serving_scheduler_config(std::uint64_t memory_bytes, const ModelConfig& model,
                                         const Quantization& quant, const ServingOptions& options) {
  SchedulerConfig c;
  c.max_num_seqs = options.max_num_seqs;
  c.max_batched_tokens = options.max_batched_tokens;
  c.block_tokens = options.block_tokens;
  c.prefix_caching = options.prefix_caching;
  c.max_model_len = model.max_position_embeddings;
  c.kv_blocks = 1;  // validated below with the real count
  validate_scheduler_config(c);
  // Goodput objectives: 0 means none; a negative or non-finite one is a mistake.
  for (const auto& [name, v] : {std::pair{"slo_ttft_ms (--slo-ttft-ms)", options.slo_ttft_ms},
                                std::pair{"slo_tpot_ms (--slo-tpot-ms)", options.slo_tpot_ms}})
    if (!(v >= 0 && std::isfinite(v)))
      throw InputError(fmt::format(
          "serving: {} must be a finite number >= 0 (0: no objective), got {}", name, v));
  // Workspace at its largest: max_batched_tokens new tokens over max_num_seqs sampling sequences.
  std::vector<Sequence> worst(static_cast<std::size_t>(c.max_num_seqs), Sequence{0, 1, true});
  worst.front().new_tokens = c.max_batched_tokens - (c.max_num_seqs - 1);
  const MemoryFootprint f = memory_footprint(model, quant, worst);
  const std::uint64_t hbm = memory_bytes;
  // The block pool holds the full-attention layers; sliding layers' windows are reserved apart
  // (kv_pools.hpp). Without per-layer attention: every layer pooled, nothing reserved. A
  // speculative draft adds its weights and its KV per block.
  const KvPools pools = kv_pools(model, quant.kv_cache, c.block_tokens, c.max_num_seqs);
  std::uint64_t block = pools.block_bytes;
  std::uint64_t fixed = f.weight_bytes + f.workspace_bytes + pools.window_reserve_bytes;
  if (options.speculative) {
    c.speculative_tokens = options.speculative->k();
    fixed += options.speculative->draft_weight_bytes(quant);
    block += options.speculative->draft_kv_bytes(quant, c.block_tokens);
  }
  const std::int64_t blocks =
      hbm > fixed && block > 0 ? static_cast<std::int64_t>((hbm - fixed) / block) : 0;
  if (blocks < 1)
    throw InputError(fmt::format(
        "{} ({}): no room for the KV cache: weights {:.2f} GB{} + workspace {:.2f} GB of HBM "
        "{:.2f} GB",
        model.name, quantization_text(quant), f.weight_bytes / 1e9,
        options.speculative ? fmt::format(" + draft weights {:.2f} GB",
                                          options.speculative->draft_weight_bytes(quant) / 1e9)
                            : std::string(),
        f.workspace_bytes / 1e9, hbm / 1e9));
  if (options.kv_blocks < 0 || options.kv_blocks > blocks)
    throw InputError(fmt::format("serving: kv blocks must be in [0, {}] (what HBM holds), got {}",
                                 blocks, options.kv_blocks));
  c.kv_blocks = options.kv_blocks > 0 ? options.kv_blocks : blocks;
  return c;
}

ServingResult serving_result_frame(const Backend& backend, const ModelConfig& model,
                                   const Quantization& quant, const ServingOptions& options) {
  ServingResult r;
  r.hbm_capacity_bytes = backend.memory_capacity_bytes();
  r.config = serving_scheduler_config(r.hbm_capacity_bytes, model, quant, options);
  const KvPools pools =
      kv_pools(model, quant.kv_cache, r.config.block_tokens, r.config.max_num_seqs);
  r.kv_block_bytes = pools.block_bytes;
  std::vector<Sequence> worst(static_cast<std::size_t>(r.config.max_num_seqs),
                              Sequence{0, 1, true});
  worst.front().new_tokens = r.config.max_batched_tokens - (r.config.max_num_seqs - 1);
  r.memory = memory_footprint(model, quant, worst);
  r.memory.kv_cache_bytes = static_cast<std::uint64_t>(r.config.kv_blocks) * r.kv_block_bytes +
                            pools.window_reserve_bytes;
  r.slo_ttft_ms = options.slo_ttft_ms;
  r.slo_tpot_ms = options.slo_tpot_ms;
  return r;
}

ServingResult run_serving(Backend& backend, const ModelConfig& model, const Quantization& quant,
                          const std::vector<Request>& requests, const ServingOptions& options) {
  ServingResult r = serving_result_frame(backend, model, quant, options);
  const SpeculativeDecoding* spec = options.speculative ? &*options.speculative : nullptr;
  if (spec) {
    // The draft's weights and its share of every KV block occupy HBM beside the target's.
    r.speculative.k = spec->k();
    r.speculative.draft = spec->draft_text();
    r.speculative.draft_weight_bytes = spec->draft_weight_bytes(quant);
    r.speculative.draft_kv_block_bytes = spec->draft_kv_bytes(quant, r.config.block_tokens);
    r.memory.weight_bytes += r.speculative.draft_weight_bytes;
    r.memory.kv_cache_bytes +=
        static_cast<std::uint64_t>(r.config.kv_blocks) * r.speculative.draft_kv_block_bytes;
  }
  const std::uint64_t sim0 = backend.operators_simulated(), reused0 = backend.operators_reused();

  if (options.cost_points_per_octave < 1 || options.cost_points_per_octave > 64)
    throw InputError(fmt::format(
        "serving: cost_points_per_octave (--cost-points-per-octave) must be in [1, 64], got {}",
        options.cost_points_per_octave));

  Scheduler sched(r.config);
  // With speculation a decode verifies K drafts: K + 1 new tokens in the target's iteration.
  IterationCostModel cost(backend, model, quant, options.cost_points_per_octave,
                          spec ? spec->k() + 1 : 1);
  std::optional<IterationCostModel> draft_cost;
  if (spec) draft_cost.emplace(backend, spec->draft_model(), quant, options.cost_points_per_octave);
  std::map<std::uint64_t, std::uint64_t> spec_steps;  // speculative steps so far, per request
  HostIo host(backend, !options.exact);
  ServingTimeline timeline(backend.timeline(), options.exact);
  std::unordered_set<std::uint64_t> uploaded;  // requests whose prompt is on the device
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
    // Speculative decoding: the drafts each verifying sequence gets accepted (drawn now, from
    // the request's id and step only: the iteration's time does not depend on them).
    std::vector<std::int64_t> accepted;
    if (spec) {
      accepted.assign(plan.batch.size(), 0);
      for (std::size_t i = 0; i < plan.batch.size(); ++i)
        if (plan.drafts[i] > 0)
          accepted[i] = spec->accepted(plan.request_ids[i], spec_steps[plan.request_ids[i]]++,
                                       plan.drafts[i]);
    }
    // Host -> device: prompt token ids of requests seen for the first time (a recompute after a
    // preemption finds them still on the device); device -> host: one token id per emitted token.
    std::uint64_t up = 0, back = 0;
    for (std::size_t i = 0; i < plan.batch.size(); ++i) {
      if (uploaded.insert(plan.request_ids[i]).second)
        up += kTokenIdBytes *
              static_cast<std::uint64_t>(sched.record(plan.request_ids[i]).input_tokens);
      if (plan.batch[i].emits_token())
        back += kTokenIdBytes * static_cast<std::uint64_t>(1 + (spec ? accepted[i] : 0));
    }
    const double up_ns = host.transfer_ns(up, true);
    timeline.begin_iteration(now, up_ns);
    const bool is_prefill = plan.prefill_tokens > 0;
    auto& sample = is_prefill ? r.prefill_sample : r.decode_sample;
    double t_ns = 0;
    Activity activity;
    bool simulated = true;
    if (options.exact || sample.ops.empty()) {
      // The whole graph of the true batch (also the representative iteration of ops.csv).
      IterationResult it = backend.run_graph(build_iteration_graph(model, quant, plan.batch));
      if (options.exact) {
        t_ns = it.time_ns;
        activity = it.activity();
      }
      if (sample.ops.empty()) sample = std::move(it);
    }
    if (!options.exact) {
      const std::int64_t points = cost.points_simulated();
      const IterationCost c = cost.cost(plan.batch);
      t_ns = c.ns;
      activity = c.activity;
      simulated = cost.points_simulated() > points;
    }
    if (spec) {
      // The drafts: step j (0-based) is one iteration of the draft model over the sequences
      // with more than j drafts, one new token each after cached + j; step 0 also carries the
      // batch's prefill chunks (the draft needs the prompt's KV or hidden states too).
      std::int64_t most = 0;
      for (std::int64_t d : plan.drafts) most = std::max(most, d);
      double draft_ns = 0;
      for (std::int64_t j = 0; j < std::max<std::int64_t>(most, 1); ++j) {
        std::vector<Sequence> step;
        for (std::size_t i = 0; i < plan.batch.size(); ++i) {
          const Sequence& q = plan.batch[i];
          if (plan.drafts[i] > j)
            step.push_back(Sequence{q.cached_tokens + j, 1, true});
          else if (j == 0 && plan.drafts[i] == 0 && q.new_tokens > 1)
            step.push_back(q);
        }
        if (step.empty()) continue;
        IterationCost d;
        if (options.exact) {
          const IterationResult it =
              backend.run_graph(build_iteration_graph(spec->draft_model(), quant, step));
          d = {it.time_ns, it.activity()};
        } else {
          d = draft_cost->cost(step);
        }
        draft_ns += d.ns;
        activity += d.activity;
      }
      if (plan.draft_tokens > 0) r.speculative.verify_ns += t_ns;
      r.speculative.draft_ns += draft_ns;
      t_ns += draft_ns;
    }
    const double back_ns = host.transfer_ns(back, false);
    r.host_upload_bytes += up;
    r.host_return_bytes += back;
    r.host_upload_ns += up_ns;
    r.host_return_ns += back_ns;
    t_ns += up_ns + back_ns + backend.iteration_overhead_ns();
    timeline.end_iteration(plan, t_ns, up_ns, back_ns, simulated);
    r.kv_block_seconds += static_cast<double>(sched.stats().kv.used_blocks) * t_ns / 1e9;

    ++r.iterations;
    (simulated ? r.simulated_iterations : r.reused_iterations)++;
    ServingPhase& ph = is_prefill ? r.prefill : r.decode;
    ++ph.iterations;
    if (simulated) ++ph.simulated;
    ph.tokens += plan.scheduled_tokens;
    ph.time_ns += t_ns;
    activity.pcie_bytes += static_cast<double>(up + back);
    ph.activity += activity;
    now += t_ns / 1e9;
    sched.complete_iteration(plan, now, accepted);
    r.end_s = now;
    if (options.progress) {
      const SchedulerStats st = sched.stats();
      options.progress({st.completed + st.rejected, static_cast<std::int64_t>(requests.size()),
                        r.iterations, now - r.first_arrival_s});
    }
  }
  r.cost_points_simulated =
      cost.points_simulated() + (draft_cost ? draft_cost->points_simulated() : 0);
  r.host_transfers_simulated = host.transfers_simulated();
  r.records = sched.records();
  // A trace none of whose requests could be served would report all zeros: an input error.
  if (!r.records.empty() &&
      std::all_of(r.records.begin(), r.records.end(),
                  [](const RequestRecord& rec) { return rec.status == RequestStatus::kRejected; }))
    throw InputError(
        fmt::format("serving: every request ({}) was rejected; the first: request {}: {}",
                    r.records.size(), r.records.front().id, r.records.front().reject_reason));
  timeline.requests(r.records);
  r.stats = sched.stats();
  r.speculative.steps = r.stats.speculative_steps;
  r.speculative.draft_tokens = r.stats.draft_tokens;
  r.speculative.accepted_tokens = r.stats.accepted_tokens;
  r.speculative.rolled_back_blocks = r.stats.rolled_back_blocks;
  r.ops_simulated = backend.operators_simulated() - sim0;
  r.ops_reused = backend.operators_reused() - reused0;
  return r;
}

RunSummary serving_summary(const ServingResult& r, const std::string& model,
                           const std::string& chip, const Quantization& quant, bool memoize,
                           const Json& workload) {
  RunSummary s;
  s.model = model;
  s.chip = chip;
  s.dtypes = {quant.weights, quant.activations, quant.kv_cache, quant.experts};
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
    return PhaseBreakdown{name, p.iterations, p.simulated, p.tokens, p.time_ns, p.activity};
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

std::int64_t goodput_requests(const ServingResult& r) {
  std::int64_t n = 0;
  for (const auto& rec : r.records) {
    if (!rec.finished()) continue;
    const bool ttft_ok = r.slo_ttft_ms <= 0 || rec.ttft_s().value_or(0) * 1e3 <= r.slo_ttft_ms;
    const auto tpot = rec.tpot_s();  // none for one output token: nothing to miss
    const bool tpot_ok = r.slo_tpot_ms <= 0 || !tpot || *tpot * 1e3 <= r.slo_tpot_ms;
    if (ttft_ok && tpot_ok) ++n;
  }
  return n;
}

Json serving_summary_json(const RunSummary& s, const ServingResult& r) {
  Json j = summary_json(s);
  std::vector<double> queueing, itl;
  std::int64_t preempted_requests = 0, input_tokens = 0;
  for (const auto& rec : r.records) {
    if (!rec.finished()) continue;
    if (auto q = rec.queueing_delay_s()) queueing.push_back(*q);
    for (double g : rec.inter_token_s()) itl.push_back(g);
    if (rec.preemptions > 0) ++preempted_requests;
    input_tokens += rec.input_tokens;
  }
  const double makespan = r.makespan_s();
  const auto per_s = [&](double x) { return makespan > 0 ? x / makespan : 0.0; };
  const auto completed = static_cast<double>(s.requests.size());
  const std::int64_t good = goodput_requests(r);
  const auto& kv = r.stats.kv;
  const double kv_mean =
      makespan > 0 && r.config.kv_blocks > 0
          ? r.kv_block_seconds / makespan / static_cast<double>(r.config.kv_blocks)
          : 0.0;
  j["serving"] = {{"queueing_delay_ms", distribution_ms_s(queueing)},
                  {"inter_token_ms", distribution_ms_s(itl)},
                  {"requests_per_s", per_s(completed)},
                  {"input_tokens_per_s", per_s(static_cast<double>(input_tokens))},
                  {"goodput",
                   {{"slo_ttft_ms", r.slo_ttft_ms},
                    {"slo_tpot_ms", r.slo_tpot_ms},
                    {"requests", good},
                    {"fraction", completed > 0 ? static_cast<double>(good) / completed : 0.0},
                    {"requests_per_s", per_s(static_cast<double>(good))}}},
                  {"max_num_seqs", r.config.max_num_seqs},
                  {"max_batched_tokens", r.config.max_batched_tokens},
                  {"block_tokens", r.config.block_tokens},
                  {"kv_blocks", r.config.kv_blocks},
                  {"kv_block_bytes", r.kv_block_bytes},
                  {"kv_mean_utilisation", kv_mean},
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
                  {"host",
                   {{"upload_bytes", r.host_upload_bytes},
                    {"return_bytes", r.host_return_bytes},
                    {"upload_ms", r.host_upload_ns / 1e6},
                    {"return_ms", r.host_return_ns / 1e6},
                    {"share_of_busy_time", r.prefill.time_ns + r.decode.time_ns > 0
                                               ? (r.host_upload_ns + r.host_return_ns) /
                                                     (r.prefill.time_ns + r.decode.time_ns)
                                               : 0.0}}},
                  {"iterations", r.iterations},
                  {"iterations_simulated", r.simulated_iterations},
                  {"iterations_reused", r.reused_iterations},
                  {"cost_points_simulated", r.cost_points_simulated}};
  if (r.speculative.k > 0) {
    const auto& sp = r.speculative;
    j["serving"]["speculative"] = {
        {"k", sp.k},
        {"draft", sp.draft},
        {"steps", sp.steps},
        {"draft_tokens", sp.draft_tokens},
        {"accepted_tokens", sp.accepted_tokens},
        {"acceptance_rate", sp.draft_tokens > 0 ? static_cast<double>(sp.accepted_tokens) /
                                                      static_cast<double>(sp.draft_tokens)
                                                : 0.0},
        {"mean_emitted_per_step", sp.mean_emitted_per_step()},
        {"draft_ms", sp.draft_ns / 1e6},
        {"verify_ms", sp.verify_ns / 1e6},
        {"rolled_back_kv_blocks", sp.rolled_back_blocks},
        {"draft_weight_bytes", sp.draft_weight_bytes},
        {"draft_kv_block_bytes", sp.draft_kv_block_bytes}};
  }
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
                       csv_quote(rec.reject_reason));
  if (!out) throw InputError(fmt::format("{}: write failed", file));
}

void write_serving_outputs(const RunSummary& s, const ServingResult& r, const std::string& dir) {
  write_run_outputs(s, dir);  // creates dir, ops.csv; summary.json rewritten with the block
  const std::string summary = (std::filesystem::path(dir) / "summary.json").string();
  std::ofstream out(summary);
  if (!out) throw InputError(fmt::format("{}: cannot write file", summary));
  out << serving_summary_json(s, r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
      << "\n";
  if (!out) throw InputError(fmt::format("{}: write failed", summary));
  write_requests_csv(r, (std::filesystem::path(dir) / "requests.csv").string());
}

}  // namespace maia
