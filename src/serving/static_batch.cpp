#include "maia/serving/static_batch.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/work_limits.hpp"
#include "maia/sim/timeline_recording.hpp"
#include "maia/workload/operator_graph.hpp"

namespace maia {

double StaticBatchResult::decode_total_ns() const {
  double t = 0;
  for (const auto& d : decode) t += d.weight * d.time_ns;
  return t;
}

double StaticBatchResult::draft_total_ns() const {
  double t = 0;
  for (const auto& d : decode) t += d.weight * d.draft_ns;
  return t;
}

double StaticBatchResult::tpot_ns() const {
  // Without speculation decode.size() == gen - 1: the mean decode iteration.
  return decode.empty() || spec.gen < 2 ? 0.0
                                        : decode_total_ns() / static_cast<double>(spec.gen - 1);
}

std::vector<RequestMetrics> StaticBatchResult::requests() const {
  RequestMetrics r;
  r.prompt_tokens = spec.prompt;
  r.output_tokens = spec.gen;
  r.ttft_ns = ttft_ns();
  r.e2e_ns = e2e_ns();
  return std::vector<RequestMetrics>(static_cast<std::size_t>(spec.batch * replicas), r);
}

void validate_static_batch(const StaticBatchSpec& spec) {
  const auto positive = [](std::int64_t v, const char* what) {
    if (v < 1) throw InputError(fmt::format("{}: must be >= 1, got {}", what, v));
  };
  positive(spec.batch, "--batch");
  positive(spec.prompt, "--prompt");
  positive(spec.gen, "--gen");
  positive(spec.decode_stride, "--decode-stride");
  if (spec.batch > kMaxAttentionSequences)
    throw InputError(fmt::format("--batch: must be <= {} (the simulator's limit), got {}",
                                 kMaxAttentionSequences, spec.batch));
  if (spec.prompt > kMaxSequenceTokens || spec.gen > kMaxSequenceTokens - spec.prompt)
    throw InputError(
        fmt::format("--prompt + --gen: must be <= {} tokens (the simulator's limit), "
                    "got {} + {}",
                    kMaxSequenceTokens, spec.prompt, spec.gen));
}

std::vector<Sequence> static_prefill_batch(const StaticBatchSpec& spec) {
  return std::vector<Sequence>(static_cast<std::size_t>(spec.batch),
                               Sequence{0, spec.prompt, true});
}

std::vector<Sequence> static_decode_batch(const StaticBatchSpec& spec, std::int64_t step) {
  return std::vector<Sequence>(static_cast<std::size_t>(spec.batch),
                               Sequence{spec.prompt + step, 1, true});
}

MemoryFootprint check_static_batch_capacity(const ModelConfig& model, const Quantization& quant,
                                            const StaticBatchSpec& spec, std::uint64_t hbm_bytes,
                                            const SpeculativeDecoding* speculative) {
  validate_static_batch(spec);
  if (spec.prompt + spec.gen - 1 > model.max_position_embeddings)
    throw InputError(fmt::format(
        "--prompt + --gen: {} + {} tokens reach position {}, beyond the model's "
        "max_position_embeddings ({})",
        spec.prompt, spec.gen, spec.prompt + spec.gen - 1, model.max_position_embeddings));
  // Prefill has the largest workspace; the last decode step the largest KV cache.
  MemoryFootprint worst = check_capacity(model, quant, static_prefill_batch(spec), hbm_bytes);
  if (spec.gen > 1) {
    const MemoryFootprint last =
        check_capacity(model, quant, static_decode_batch(spec, spec.gen - 2), hbm_bytes);
    if (last.total() > worst.total()) worst = last;
  }
  if (speculative) {
    // The last step verifies K drafts after prompt + gen - 2 cached tokens; the draft keeps its
    // weights and the KV of every position it reaches.
    const std::int64_t k = speculative->k();
    const std::int64_t cached = spec.prompt + std::max<std::int64_t>(spec.gen - 2, 0);
    MemoryFootprint f = memory_footprint(
        model, quant,
        std::vector<Sequence>(static_cast<std::size_t>(spec.batch), Sequence{cached, k + 1, true}));
    f.workspace_bytes = std::max(f.workspace_bytes, worst.workspace_bytes);
    f.weight_bytes += speculative->draft_weight_bytes(quant);
    f.kv_cache_bytes +=
        static_cast<std::uint64_t>(spec.batch) * speculative->draft_kv_bytes(quant, cached + k + 1);
    if (f.total() > hbm_bytes)
      throw InputError(fmt::format(
          "{} ({}) with draft {} (--speculate {}): model does not fit: weights {:.2f} GB + KV "
          "{:.2f} GB + workspace {:.2f} GB > HBM {:.2f} GB (draft weights and KV included)",
          model.name, quantization_text(quant), speculative->draft_text(), k, f.weight_bytes / 1e9,
          f.kv_cache_bytes / 1e9, f.workspace_bytes / 1e9, hbm_bytes / 1e9));
    worst = f;
  }
  return worst;
}

StaticBatchResult run_static_batch(Backend& backend, const ModelConfig& model,
                                   const Quantization& quant, const StaticBatchSpec& spec,
                                   const SpeculativeDecoding* speculative) {
  validate_static_batch(spec);
  StaticBatchResult r;
  r.model = model.name;
  r.quant = quant;
  r.spec = spec;
  const std::uint64_t sim0 = backend.operators_simulated(), reused0 = backend.operators_reused();
  Timeline* tl = backend.timeline();  // the run starts at time 0 of the timeline
  if (tl) tl->set_cursor(0);
  r.prefill = backend.run_graph(build_iteration_graph(model, quant, static_prefill_batch(spec)));
  r.prefill.time_ns += backend.iteration_overhead_ns();
  r.prefill_activity = r.prefill.activity();
  if (speculative) {
    // The draft prefills the prompts too (its KV, or the MTP head's hidden states), after the
    // target in the same iteration: part of TTFT.
    r.speculation.k = speculative->k();
    r.speculation.draft = speculative->draft_text();
    r.speculation.emitted_per_step = speculative->expected_emitted(speculative->k());
    const IterationResult draft = backend.run_graph(
        build_iteration_graph(speculative->draft_model(), quant, static_prefill_batch(spec)));
    r.speculation.draft_prefill_ns = draft.time_ns;
    r.prefill_activity += draft.activity();
    r.prefill.time_ns += r.speculation.draft_prefill_ns;
  }
  // Expected tokens emitted per request per step: 1, or E with speculation, over
  // (gen - 1) / E steps (the last one fractional).
  const double per_step = r.speculation.emitted_per_step;
  const double exact_steps = static_cast<double>(spec.gen - 1) / per_step;
  const auto context_at = [&](std::int64_t i) {
    return speculative
               ? spec.prompt +
                     static_cast<std::int64_t>(std::floor(static_cast<double>(i) * per_step))
               : spec.prompt + i;
  };

  // Decode steps 0 .. gen-2; simulate every stride-th and the last, interpolate the rest.
  const std::int64_t steps =
      speculative ? static_cast<std::int64_t>(std::ceil(exact_steps)) : spec.gen - 1;
  const std::int64_t stride = spec.exact ? 1 : spec.decode_stride;
  r.decode.resize(static_cast<std::size_t>(std::max<std::int64_t>(steps, 0)));
  std::int64_t prev = -1;  // last simulated step
  for (std::int64_t i = 0; i < steps; ++i) {
    DecodeStep& d = r.decode[static_cast<std::size_t>(i)];
    d.context = context_at(i);
    if (speculative && i == steps - 1) d.weight = exact_steps - static_cast<double>(steps - 1);
    if (i % stride != 0 && i != steps - 1) continue;
    if (tl) tl->begin_staging();  // its start is known once the steps before it are
    std::vector<Sequence> batch = static_decode_batch(spec, i);
    if (speculative) {
      // K draft iterations (each priced at the step's context) and the K + 1-token verification.
      for (Sequence& s : batch) s.cached_tokens = d.context;
      const IterationResult draft =
          backend.run_graph(build_iteration_graph(speculative->draft_model(), quant, batch));
      const double one_draft = draft.time_ns + backend.iteration_overhead_ns();
      d.draft_ns = static_cast<double>(speculative->k()) * one_draft;
      d.activity = draft.activity().scaled(static_cast<double>(speculative->k()));
      for (Sequence& s : batch) s.new_tokens = speculative->k() + 1;
    }
    IterationResult it = backend.run_graph(build_iteration_graph(model, quant, batch));
    d.time_ns = it.time_ns + backend.iteration_overhead_ns() + d.draft_ns;
    d.activity += it.activity();
    d.simulated = true;
    // Linear in context between the previous simulated step and this one.
    if (prev >= 0) {
      const DecodeStep& a = r.decode[static_cast<std::size_t>(prev)];
      for (std::int64_t j = prev + 1; j < i; ++j) {
        DecodeStep& m = r.decode[static_cast<std::size_t>(j)];
        const double f =
            static_cast<double>(m.context - a.context) / static_cast<double>(d.context - a.context);
        m.time_ns = a.time_ns + f * (d.time_ns - a.time_ns);
        m.draft_ns = a.draft_ns + f * (d.draft_ns - a.draft_ns);
        m.activity = a.activity.scaled(1 - f) + d.activity.scaled(f);
      }
    }
    prev = i;
    if (tl) tl->commit_staging(static_decode_start(r, static_cast<std::size_t>(i)));
    if (i == steps - 1) {
      r.decode_sample = std::move(it);
      r.decode_sample_context = d.context;
    }
  }
  r.ops_simulated = backend.operators_simulated() - sim0;
  r.ops_reused = backend.operators_reused() - reused0;
  if (tl) record_static_batch(*tl, r);
  return r;
}

RunSummary static_batch_summary(const StaticBatchResult& r, const std::string& chip, bool memoize) {
  RunSummary s;
  s.model = r.model;
  s.chip = chip;
  s.dtypes = {r.quant.weights, r.quant.activations, r.quant.kv_cache, r.quant.experts};
  s.workload = {{"mode", "static"},
                {"batch", r.spec.batch},
                {"prompt_tokens", r.spec.prompt},
                {"gen_tokens", r.spec.gen},
                {"decode_stride", r.spec.exact ? 1 : r.spec.decode_stride},
                {"exact", r.spec.exact},
                {"decode_sample_context", r.decode_sample_context}};
  if (r.speculation.k > 0) {
    const double draft = r.draft_total_ns(), total = r.decode_total_ns();
    s.workload["speculative"] = {
        {"k", r.speculation.k},
        {"draft", r.speculation.draft},
        {"mean_emitted_per_step", r.speculation.emitted_per_step},
        {"steps", static_cast<double>(r.spec.gen - 1) / r.speculation.emitted_per_step},
        {"draft_ms", draft / 1e6},
        {"verify_ms", (total - draft) / 1e6},
        {"draft_prefill_ms", r.speculation.draft_prefill_ns / 1e6}};
  }
  s.submitted = r.spec.batch * r.replicas;
  s.requests = r.requests();
  s.simulated_ns = r.e2e_ns();
  std::int64_t simulated_steps = 0;
  for (const auto& d : r.decode) simulated_steps += d.simulated ? 1 : 0;
  const std::int64_t sequences = r.spec.batch * r.replicas;
  Activity decode;
  for (const auto& d : r.decode) decode += d.activity.scaled(d.weight);
  s.phases = {{"prefill", 1, 1, sequences * r.spec.prompt, r.ttft_ns(), r.prefill_activity},
              {"decode", static_cast<std::int64_t>(r.decode.size()), simulated_steps,
               sequences * (r.spec.gen - 1), r.decode_total_ns(), decode}};
  s.ops_simulated = r.ops_simulated;
  s.ops_reused = r.ops_reused;
  s.memoize = memoize;
  s.op_phases.push_back({"prefill", r.prefill.ops});
  if (!r.decode.empty()) s.op_phases.push_back({"decode", r.decode_sample.ops});
  return s;
}

Picos static_decode_start(const StaticBatchResult& r, std::size_t step) {
  Picos t = ns_to_ps(r.prefill.time_ns);
  // A speculative run's last step is drawn for its share (weight) like it is counted.
  for (std::size_t i = 0; i < step && i < r.decode.size(); ++i)
    t += ns_to_ps(r.decode[i].weight * r.decode[i].time_ns);
  return t;
}

void record_static_batch(Timeline& t, const StaticBatchResult& r) {
  const Picos prefill_end = ns_to_ps(r.prefill.time_ns);
  const std::int64_t batch = r.spec.batch;
  record_iteration(t, 0, prefill_end, "prefill",
                   SpanArgs{}
                       .add("iteration", 0)
                       .add("sequences", batch)
                       .add("new_tokens", batch * r.spec.prompt)
                       .add("simulated", true)
                       .add("operators", static_cast<std::uint64_t>(r.prefill.ops.size())));
  Picos at = prefill_end;
  for (std::size_t i = 0; i < r.decode.size(); ++i) {
    const DecodeStep& d = r.decode[i];
    const Picos end = at + ns_to_ps(d.weight * d.time_ns);
    SpanArgs a;
    a.add("iteration", static_cast<std::uint64_t>(i + 1))
        .add("decode_step", static_cast<std::uint64_t>(i))
        .add("sequences", batch)
        .add("context", d.context)
        .add("simulated", d.simulated);
    if (!d.simulated) a.add("interpolated", true);
    record_iteration(t, at, end, "decode", a);
    at = end;
  }
  std::vector<RequestTimeline> requests;
  for (std::int64_t i = 0; i < batch; ++i) {
    RequestTimeline q;
    q.id = static_cast<std::uint64_t>(i);
    q.scheduled = 0;
    q.first_token = prefill_end;
    q.finish = at;
    q.args.add("id", q.id).add("input_tokens", r.spec.prompt).add("output_tokens", r.spec.gen);
    requests.push_back(std::move(q));
  }
  record_requests(t, requests);
  t.note("operator_detail",
         "engine and HBM spans exist for simulated operators only; operators with reused=true "
         "repeat an identical operator's measurement; decode iterations with interpolated=true "
         "were not simulated and have no operators");
}

}  // namespace maia
