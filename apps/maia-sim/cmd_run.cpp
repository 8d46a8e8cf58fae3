// maia-sim run: a static batch of a model on the chip model: prefill, then decode, every
// iteration's operators lowered and simulated. Prints latency, throughput and the operators that
// took the time; --out writes summary.json and ops.csv (docs/outputs.md). With --trace, serves a
// request trace instead: continuous batching (docs/scheduler.md) over simulated time, and --out
// also writes requests.csv.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cache_options.hpp"
#include "cli.hpp"
#include "maia/backend/make_backend.hpp"
#include "maia/core/error.hpp"
#include "maia/serving/pipeline_batch.hpp"
#include "maia/serving/serving_run.hpp"
#include "maia/serving/static_batch.hpp"
#include "maia/serving/trace_spec.hpp"
#include "maia/workload/expert_parallel.hpp"
#include "maia/workload/op_trace.hpp"
#include "maia/workload/operator_graph.hpp"
#include "maia/workload/pipeline_parallel.hpp"
#include "maia/workload/tensor_parallel.hpp"
#include "output_paths.hpp"
#include "progress.hpp"
#include "run_system.hpp"
#include "system_serving_options.hpp"
#include "timeline_options.hpp"

namespace maia::cli {
namespace {

// Operators of one phase grouped by role, summed over layers.
struct OpGroup {
  std::string phase, name, bound;
  int count = 0;
  double time_ns = 0, roofline_ns = 0, largest_ns = 0;
};

std::vector<OpGroup> group_ops(const std::vector<OpPhase>& phases) {
  std::map<std::pair<std::string, std::string>, OpGroup> by_key;
  std::vector<std::pair<std::string, std::string>> order;
  for (const auto& p : phases)
    for (const auto& m : p.ops) {
      const auto key = std::make_pair(p.phase, m.name);
      auto [it, inserted] = by_key.try_emplace(key);
      if (inserted) order.push_back(key);
      OpGroup& g = it->second;
      g.phase = p.phase;
      g.name = m.name;
      ++g.count;
      g.time_ns += m.time_ns;
      g.roofline_ns += m.roofline_ns;
      if (m.time_ns >= g.largest_ns) {  // the bound of its longest instance
        g.largest_ns = m.time_ns;
        g.bound = m.bound;
      }
    }
  std::vector<OpGroup> out;
  for (const auto& k : order) out.push_back(by_key.at(k));
  std::stable_sort(out.begin(), out.end(),
                   [](const OpGroup& a, const OpGroup& b) { return a.time_ns > b.time_ns; });
  return out;
}

// Energy and cost (docs/power.md), from summary.json's blocks; nothing when the run has none.
void print_energy(const Json& j) {
  if (!j.contains("energy")) return;
  const Json& e = j["energy"];
  fmt::print("{:<28} {:>14.3f} tokens/J  ({:.1f} J over {} chip(s))\n", "tokens per joule",
             e["tokens_per_joule"].get<double>(), e["joules"].get<double>(),
             e["chips"].get<double>());
  fmt::print("{:<28} {:>14.1f} W per chip  (peak {:.1f} W over an operator phase)\n",
             "average power", e["average_power_w"].get<double>(), e["peak_power_w"].get<double>());
  if (j.contains("cost"))
    fmt::print("{:<28} {:>14.1f} tokens/USD  ({})\n", "tokens per dollar",
               j["cost"]["tokens_per_dollar"].get<double>(),
               j["cost"]["model"].get<std::string>() == "rental" ? "rental price"
                                                                 : "total cost of ownership");
}

// Parallelism: the system, the degrees and the collectives per iteration (nothing on one chip).
void print_parallelism(const RunSummary& s) { fmt::print("{}", system_text(s.system)); }

void print_report(const StaticBatchResult& r, const RunSummary& s) {
  const auto& spec = r.spec;
  const double gb = 1e9;
  fmt::print("model {}  on {}  ({})\n", s.model, s.chip,
             quantization_text(
                 {s.dtypes.weights, s.dtypes.activations, s.dtypes.kv_cache, s.dtypes.experts}));
  print_parallelism(s);
  const auto simulated_steps = s.phases[1].simulated_iterations;
  fmt::print(
      "static batch: {} requests{} x {} prompt + {} output tokens; decode steps simulated {} of "
      "{}{}\n",
      spec.batch * r.replicas,
      r.replicas > 1 ? fmt::format(" ({} per chip)", spec.batch) : std::string(), spec.prompt,
      spec.gen, simulated_steps, r.decode.size(),
      simulated_steps < static_cast<std::int64_t>(r.decode.size())
          ? fmt::format(" (one every {} steps and the last; the rest interpolated)",
                        spec.decode_stride)
          : "");
  fmt::print(
      "HBM: weights {:.2f} GB + KV {:.2f} GB + workspace {:.2f} GB = {:.2f} of {:.2f} GB\n\n",
      s.memory.weight_bytes / gb, s.memory.kv_cache_bytes / gb, s.memory.workspace_bytes / gb,
      s.memory.total() / gb, s.hbm_capacity_bytes / gb);

  const double e2e = r.e2e_ns(), tokens = static_cast<double>(spec.batch * r.replicas * spec.gen);
  fmt::print("{:<28} {:>14.3f} ms\n", "TTFT (prefill iteration)", r.ttft_ns() / 1e6);
  fmt::print("{:<28} {:>14.3f} ms\n",
             r.speculation.k > 0 ? "TPOT (per output token)" : "TPOT (mean decode iter.)",
             r.tpot_ns() / 1e6);
  fmt::print("{:<28} {:>14.3f} ms\n", "e2e latency", e2e / 1e6);
  fmt::print("{:<28} {:>14.1f} tokens/s\n", "output throughput",
             e2e > 0 ? tokens / (e2e / 1e9) : 0.0);
  fmt::print("{:<28} {:>14.1f} tokens/s\n", "total throughput",
             e2e > 0 ? static_cast<double>(spec.batch * r.replicas * (spec.prompt + spec.gen)) /
                           (e2e / 1e9)
                     : 0.0);
  if (s.chips() > 1)
    fmt::print("{:<28} {:>14.1f} tokens/s  (output, {} chips)\n", "per chip",
               e2e > 0 ? tokens / (e2e / 1e9) / static_cast<double>(s.chips()) : 0.0, s.chips());
  fmt::print("{:<28} {:>14.3f} ms  ({} tokens)\n", "prefill iteration", r.ttft_ns() / 1e6,
             spec.batch * spec.prompt);
  if (!r.decode.empty())
    fmt::print("{:<28} {:>14.3f} ms  (context {}) .. {:.3f} ms (context {})\n", "decode iteration",
               r.decode.front().time_ns / 1e6, r.decode.front().context,
               r.decode.back().time_ns / 1e6, r.decode.back().context);
  if (r.speculation.k > 0) {
    const double draft = r.draft_total_ns(), total = r.decode_total_ns();
    fmt::print("{:<28} {:>14.3f} tokens per step  (K = {}, draft {}; expected acceptance)\n",
               "speculative decoding", r.speculation.emitted_per_step, r.speculation.k,
               r.speculation.draft);
    fmt::print(
        "{:<28} {:>14.3f} ms drafts + {:.3f} ms verification ({:.1f}% drafting); draft "
        "prefill {:.3f} ms\n",
        "decode time", draft / 1e6, (total - draft) / 1e6, total > 0 ? 100 * draft / total : 0.0,
        r.speculation.draft_prefill_ns / 1e6);
  }
  fmt::print("{:<28} {:>14} simulated, {} reused{}\n", "operators", s.ops_simulated, s.ops_reused,
             s.memoize ? "" : " (--no-memo)");
  fmt::print("{:<28} {:>14.6f} s simulated, {:.1f} s wall\n", "simulation", s.simulated_ns / 1e9,
             s.wall_s);
  print_energy(summary_json(s));

  const auto groups = group_ops(s.op_phases);
  double total = 0;
  for (const auto& g : groups) total += g.time_ns;
  fmt::print("\ntop operators (prefill + decode at context {}), summed over layers\n",
             r.decode_sample_context);
  fmt::print("{:<8} {:<16} {:>6} {:>12} {:>7} {:>8} {:>12}\n", "phase", "operator", "count",
             "time ms", "share", "bound", "of roofline");
  for (std::size_t i = 0; i < groups.size() && i < 10; ++i) {
    const auto& g = groups[i];
    fmt::print("{:<8} {:<16} {:>6} {:>12.3f} {:>6.1f}% {:>8} {:>11.1f}%\n", g.phase, g.name,
               g.count, g.time_ns / 1e6, total > 0 ? 100 * g.time_ns / total : 0.0, g.bound,
               g.time_ns > 0 ? 100 * g.roofline_ns / g.time_ns : 0.0);
  }
}

void print_serving_report(const ServingResult& r, const RunSummary& s, const Json& j) {
  const double gb = 1e9;
  fmt::print("model {}  on {}  ({})\n", s.model, s.chip,
             quantization_text(
                 {s.dtypes.weights, s.dtypes.activations, s.dtypes.kv_cache, s.dtypes.experts}));
  print_parallelism(s);
  fmt::print(
      "serving: max_num_seqs {}, max_batched_tokens {}, KV {} blocks x {} tokens ({:.2f} GB), "
      "prefix cache {}\n",
      r.config.max_num_seqs, r.config.max_batched_tokens, r.config.kv_blocks, r.config.block_tokens,
      s.memory.kv_cache_bytes / gb, r.config.prefix_caching ? "on" : "off");
  fmt::print("HBM: weights {:.2f} GB + KV {:.2f} GB + workspace {:.2f} GB of {:.2f} GB\n\n",
             s.memory.weight_bytes / gb, s.memory.kv_cache_bytes / gb,
             s.memory.workspace_bytes / gb, s.hbm_capacity_bytes / gb);
  print_latency_table(j);
  fmt::print("\n{:<28} {:>14.1f} tokens/s\n", "output throughput",
             j["throughput"]["output_tokens_per_s"].get<double>());
  fmt::print("{:<28} {:>14.1f} tokens/s\n", "total throughput",
             j["throughput"]["total_tokens_per_s"].get<double>());
  if (s.tensor_parallel > 1)
    fmt::print("{:<28} {:>14.1f} tokens/s  (output, {} chips)\n", "per chip",
               j["throughput"]["output_tokens_per_s_per_chip"].get<double>(), s.tensor_parallel);
  fmt::print("{:<28} {:>14} submitted, {} completed, {} rejected\n", "requests", s.submitted,
             s.requests.size(), s.rejected);
  const auto& sv = j["serving"];
  fmt::print("{:<28} {:>14.3f} requests/s, input {:.1f} tokens/s\n", "request throughput",
             sv["requests_per_s"].get<double>(), sv["input_tokens_per_s"].get<double>());
  const auto& good = sv["goodput"];
  fmt::print("{:<28} {:>13.1f}%  {:.3f} requests/s within TTFT <= {} ms and TPOT <= {} ms\n",
             "goodput", 100 * good["fraction"].get<double>(), good["requests_per_s"].get<double>(),
             good["slo_ttft_ms"].get<double>(), good["slo_tpot_ms"].get<double>());
  fmt::print("{:<28} {:>14}\n", "preemptions", r.stats.preemptions);
  if (r.speculative.k > 0) {
    const auto& sp = r.speculative;
    fmt::print("{:<28} {:>14.3f} tokens per step  (K = {}, draft {}; {} of {} drafts accepted)\n",
               "speculative decoding", sp.mean_emitted_per_step(), sp.k, sp.draft,
               sp.accepted_tokens, sp.draft_tokens);
    fmt::print("{:<28} {:>14.3f} ms drafting, {:.3f} ms verification; {} KV blocks rolled back\n",
               "speculative time", sp.draft_ns / 1e6, sp.verify_ns / 1e6, sp.rolled_back_blocks);
  }
  fmt::print("{:<28} {:>13.1f}%  (mean {:.1f}%)\n", "KV utilisation peak",
             100 * r.stats.kv.peak_utilisation(), 100 * sv["kv_mean_utilisation"].get<double>());
  fmt::print("{:<28} {:>13.1f}%  ({} of {} prompt tokens looked up)\n", "prefix cache hit rate",
             100 * j["serving"]["prefix_hit_rate"].get<double>(), r.stats.kv.prefix_hit_tokens,
             r.stats.kv.prefix_query_tokens);
  const auto& host = sv["host"];
  fmt::print(
      "{:<28} {:>14.3f} ms upload ({} bytes), {:.3f} ms return ({} bytes): {:.4f}% of busy time\n",
      "host interface (PCIe)", host["upload_ms"].get<double>(), r.host_upload_bytes,
      host["return_ms"].get<double>(), r.host_return_bytes,
      100 * host["share_of_busy_time"].get<double>());
  fmt::print("{:<28} {:>14} simulated, {} reused of {}{}\n", "iterations", r.simulated_iterations,
             r.reused_iterations, r.iterations,
             s.workload.value("exact", false)
                 ? " (--exact)"
                 : fmt::format(" ({} cost-model points)", r.cost_points_simulated));
  fmt::print("{:<28} {:>14} simulated, {} reused\n", "operators", s.ops_simulated, s.ops_reused);
  fmt::print("{:<28} {:>14.6f} s simulated, {:.1f} s wall\n", "simulation", s.simulated_ns / 1e9,
             s.wall_s);
  print_energy(j);
}

// The run's speculative decoding as configured, echoed in summary.json's workload.
Json speculation_json(const SpeculativeDecoding& s) {
  return Json{{"k", s.k()},
              {"draft", s.kind() == DraftKind::kMtp ? std::string("mtp") : s.draft_model().name},
              {"acceptance", s.acceptance()},
              {"expected_emitted_per_step", s.expected_emitted(s.k())},
              {"accept_seed", s.config().seed}};
}

// Speculative decoding's options (docs/serving.md, "Speculative decoding").
struct SpeculateArgs {
  std::int64_t k = 0;
  std::string draft_model, draft, accept_table;
  double accept_rate = 0;
  std::uint64_t seed = 1;
};

// "0.9,0.8,0.7" as numbers; InputError naming the entry that is not one.
std::vector<double> parse_accept_table(const std::string& text) {
  std::vector<double> out;
  std::size_t at = 0;
  for (;;) {
    const std::size_t comma = text.find(',', at);
    const std::string item =
        text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (item.empty() || used != item.size())
      throw InputError(
          fmt::format("--accept-table: entry {} ('{}') is not a number (expected p1,p2,...,pK)",
                      out.size() + 1, item));
    out.push_back(v);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

// The speculative decoding of the run, or none; every mistake a named InputError.
std::optional<SpeculativeDecoding> make_speculation(const po::variables_map& vm,
                                                    const SpeculateArgs& a,
                                                    const ModelConfig& target, std::int64_t tp,
                                                    std::int64_t tp_limit) {
  const auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
  if (!given("speculate")) {
    for (const char* n : {"draft-model", "draft", "accept-rate", "accept-table", "accept-seed"})
      if (given(n))
        throw InputError(fmt::format("maia-sim run: --{} applies only with --speculate K", n));
    return std::nullopt;
  }
  SpeculativeConfig c;
  c.k = a.k;
  c.seed = a.seed;
  if (given("accept-rate")) c.accept_rate = a.accept_rate;
  if (given("accept-table")) c.accept_table = parse_accept_table(a.accept_table);
  validate_speculative_config(c);
  if (given("draft-model") && given("draft"))
    throw InputError("maia-sim run: --draft-model and --draft mtp exclude each other: give one");
  if (given("draft")) {
    if (a.draft != "mtp")
      throw InputError(fmt::format(
          "--draft: unknown draft '{}' (mtp: a multi-token-prediction head; or --draft-model "
          "NAME)",
          a.draft));
    c.draft = DraftKind::kMtp;
    return SpeculativeDecoding(c, target);
  }
  if (!given("draft-model"))
    throw InputError(
        "--speculate needs a draft: --draft-model NAME|PATH (another model with the target's "
        "vocabulary) or --draft mtp");
  c.draft = DraftKind::kModel;
  ModelConfig draft = load_model(a.draft_model, default_models_dir());
  if (draft.vocab_size == target.vocab_size) apply_tensor_parallel(draft, tp, tp_limit);
  return SpeculativeDecoding(c, target, draft);
}

// Parallelism beyond tensor parallelism and the system (docs/systems.md).
struct ParallelArgs {
  std::int64_t ep = 1, pp = 1, dp = 1, micro_batches = 0;
  std::string system_file;
};

// The values of maia-sim run's options; one struct so that the option set can be built apart
// from the command (maia-sim sweep validates its run-option axes against it).
struct RunArgs {
  ChipOptions chip;
  std::string model_name, out_dir, emit_ops, weights = "fp8", activations = "fp8", kv = "fp8";
  std::string experts;  // empty: the model's own (MXFP4 for gpt-oss), else as --weights
  StaticBatchSpec spec;
  TraceSpec trace;
  ServingOptions serving;
  TimelineArgs timeline;
  std::int64_t tp = 1;  // tensor-parallel chips
  SpeculateArgs speculate;
  ParallelArgs parallel;
  SystemServingArgs system_serving;  // --replicas, --disaggregate, --router
  CacheOptions cache;
  double price_per_hour = 0;  // --price-per-hour: rental pricing when given
  RunArgs() { spec.gen = 128; }
};

po::options_description run_options(RunArgs& a) {
  po::options_description desc("maia-sim run --model NAME [options]");
  auto& [chip, model_name, out_dir, emit_ops, weights, activations, kv, experts, spec, trace,
         serving, timeline, tp, speculate, parallel, system_serving, cache, price_per_hour] = a;
  desc.add_options()("help,h", "this help")(
      "model", po::value(&model_name),
      "model: a short name from configs/models (llama-3.1-8b, ...) or a config.json path")(
      "batch", po::value(&spec.batch)->default_value(spec.batch), "requests in the static batch")(
      "prompt", po::value(&spec.prompt)->default_value(spec.prompt), "prompt tokens per request")(
      "gen", po::value(&spec.gen)->default_value(spec.gen), "output tokens per request")(
      "weights", po::value(&weights)->default_value(weights), "weight datatype: bf16, fp8, fp4")(
      "activations", po::value(&activations)->default_value(activations), "activation datatype")(
      "kv", po::value(&kv)->default_value(kv), "KV-cache datatype")(
      "experts", po::value(&experts),
      "MoE expert weight datatype (default: the checkpoint's, MXFP4 for gpt-oss; else --weights)")(
      "decode-stride", po::value(&spec.decode_stride)->default_value(spec.decode_stride),
      "simulate every N-th decode step (and the last); interpolate the rest in context length")(
      "exact", "simulate every decode step")("out", po::value(&out_dir),
                                             "write summary.json and ops.csv into this directory")(
      "emit-ops", po::value(&emit_ops),
      "write the prefill iteration's operator trace to this file")(
      "no-memo", "simulate every operator, even when an identical one was already measured")(
      "prefetch",
      "with --no-overlap: load a GEMM's first weight panels during the previous operator")(
      "no-overlap", "run every operator in a phase of its own (see docs/inference.md)")(
      "stream-weights", "stream weights from HBM even when they would fit in CSRAM")(
      "trace", po::value(&trace.file),
      "serve a request trace (.csv: Azure, .jsonl: Mooncake) with continuous batching instead "
      "of a static batch")("max-requests", po::value(&trace.max_requests),
                           "trace: keep the first N requests")(
      "duration", po::value(&trace.duration_s), "trace: keep requests arriving before S seconds")(
      "time-scale", po::value(&trace.time_scale)->default_value(trace.time_scale),
      "trace: divide arrival times by X (> 1 replays faster)")(
      "max-num-seqs", po::value(&serving.max_num_seqs)->default_value(serving.max_num_seqs),
      "trace: running sequences at most")(
      "max-batched-tokens",
      po::value(&serving.max_batched_tokens)->default_value(serving.max_batched_tokens),
      "trace: tokens per iteration at most")(
      "block-tokens", po::value(&serving.block_tokens)->default_value(serving.block_tokens),
      "trace: tokens per KV cache block")("no-prefix-cache", "trace: disable prefix caching")(
      "skip-bad-rows", "trace: count malformed rows instead of stopping at the first")(
      "cost-points-per-octave",
      po::value(&serving.cost_points_per_octave)->default_value(serving.cost_points_per_octave),
      "trace: iteration cost model grid points per octave (fewer: faster, coarser; "
      "docs/serving.md)")(
      "rate", po::value(&trace.synthetic.rate),
      "serve a synthetic trace of R requests/s instead of a file (docs/traces.md)")(
      "arrival", po::value(&trace.synthetic.arrival)->default_value(trace.synthetic.arrival),
      "synthetic: poisson or gamma inter-arrival times at --rate, or burst: all --max-requests "
      "arrive at once (an offline max-load run; no --rate)")(
      "gamma-shape", po::value(&trace.synthetic.gamma_shape),
      "synthetic: gamma shape k (inter-arrival CV = 1/sqrt(k))")(
      "input-tokens", po::value(&trace.synthetic.input_tokens),
      "synthetic: prompt tokens per request (fixed lengths)")(
      "output-tokens", po::value(&trace.synthetic.output_tokens),
      "synthetic: output tokens per request (fixed lengths)")(
      "length-table", po::value(&trace.synthetic.length_table),
      "synthetic: sample prompt/output lengths from this CSV (e.g. traces/sharegpt_8k_...)")(
      "seed", po::value(&trace.synthetic.seed), "synthetic: random seed")(
      "slo-ttft-ms", po::value(&serving.slo_ttft_ms)->default_value(serving.slo_ttft_ms),
      "trace: goodput counts requests with TTFT at most this (0: no TTFT objective)")(
      "slo-tpot-ms", po::value(&serving.slo_tpot_ms)->default_value(serving.slo_tpot_ms),
      "trace: goodput counts requests with TPOT at most this (0: no TPOT objective)")(
      "tp", po::value(&tp)->default_value(tp),
      "tensor parallelism: shard the model over N chips (within a Maia tray, 1, 2 or 4, the "
      "collectives are simulated NIC programs; beyond it, and beyond a GPU's NVLink domain, the "
      "system's collective model times them); throughput is for all the chips together "
      "(docs/inference.md, docs/systems.md)")(
      "ep", po::value(&parallel.ep)->default_value(parallel.ep),
      "expert parallelism (MoE): the routed experts split over N groups of --tp chips, "
      "attention data-parallel over them; dispatch and combine are all-to-alls (docs/systems.md)")(
      "pp", po::value(&parallel.pp)->default_value(parallel.pp),
      "pipeline parallelism (static batch): the layers in N stages on their own chips (or tp "
      "groups), the batch in --micro-batches; the bubble is shown (docs/systems.md)")(
      "micro-batches", po::value(&parallel.micro_batches),
      "pp: micro-batches per iteration (default: min(pp, the batch))")(
      "dp", po::value(&parallel.dp)->default_value(parallel.dp),
      "data parallelism (static batch): N replicas of the tp x ep group, each with its own "
      "--batch; throughput x N")(
      "system", po::value(&parallel.system_file),
      "system config (configs/systems/*.json) the chips belong to; default: a Maia tray when "
      "tp x ep x dp chips fit one, the 6,144-chip cluster beyond; a GPU's NVLink domain "
      "(docs/systems.md)")(
      "speculate", po::value(&speculate.k),
      "speculative decoding: K draft tokens per decode step, verified in one K+1-token "
      "iteration (docs/serving.md)")(
      "draft-model", po::value(&speculate.draft_model),
      "speculate: the draft model (a name from configs/models or a config.json path; same "
      "vocabulary as --model)")(
      "draft", po::value(&speculate.draft),
      "speculate: mtp: a multi-token-prediction head (one decoder layer of --model) as the draft")(
      "accept-rate", po::value(&speculate.accept_rate),
      "speculate: probability that each draft is accepted (given the ones before it were)")(
      "accept-table", po::value(&speculate.accept_table),
      "speculate: p1,...,pK: acceptance of draft position i given 1..i-1 were accepted")(
      "accept-seed", po::value(&speculate.seed)->default_value(speculate.seed),
      "speculate, trace: seed of the per-request acceptance draws")(
      "price-per-hour", po::value(&price_per_hour),
      "rental price of one chip, USD per hour: summary.json's cost block prices tokens with it "
      "instead of the chip's cost.* (total cost of ownership) knobs (docs/power.md)");
  add_system_serving_options(desc, system_serving);
  add_timeline_options(desc, timeline);
  add_chip_options(desc, chip);
  add_cache_options(desc, cache);
  return desc;
}

// Options that only one mode reads: given in another mode they would be ignored silently, so
// they are refused, naming the mode they belong to.
void check_run_mode_options(const po::variables_map& vm, bool trace_file, bool synthetic) {
  const auto given = [&](const char* name) { return vm.count(name) && !vm[name].defaulted(); };
  const auto refuse_all = [&](std::initializer_list<const char*> names, const char* needs) {
    for (const char* n : names)
      if (given(n)) throw InputError(fmt::format("maia-sim run: --{} applies only {}", n, needs));
  };
  const bool serving = trace_file || synthetic;
  if (serving)
    refuse_all({"batch", "prompt", "gen", "decode-stride", "emit-ops"},
               "to a static batch (without --trace or --rate)");
  else
    refuse_all({"max-requests", "duration", "time-scale", "max-num-seqs", "max-batched-tokens",
                "block-tokens", "no-prefix-cache", "skip-bad-rows", "cost-points-per-octave",
                "slo-ttft-ms", "slo-tpot-ms"},
               "when serving a trace (--trace FILE or --rate R)");
  if (!synthetic)
    refuse_all({"arrival", "gamma-shape", "input-tokens", "output-tokens", "length-table", "seed"},
               "to a synthetic trace (--rate R or --arrival burst)");
  if (synthetic) refuse_all({"skip-bad-rows"}, "to a trace file (--trace FILE)");
  if (given("gamma-shape") && vm["arrival"].as<std::string>() != "gamma")
    throw InputError("maia-sim run: --gamma-shape applies only to --arrival gamma");
}

}  // namespace

std::vector<RunOptionName> run_option_names() {
  RunArgs a;
  std::vector<RunOptionName> names;
  const po::options_description desc = run_options(a);
  for (const auto& o : desc.options())
    names.push_back({o->long_name(), o->semantic()->max_tokens() > 0});
  return names;
}

// The default job (`maia-sim run` with no arguments, `make run`): the first 10 minutes of the
// Azure conversation trace served by Llama-3.1-70B FP8 on one chip.
std::vector<std::string> default_run_args() {
  const std::filesystem::path root =
      std::filesystem::path(default_models_dir()).parent_path().parent_path();
  return {"--model",    "llama-3.1-70b",
          "--trace",    (root / "traces" / "AzureLLMInferenceTrace_conv.csv").string(),
          "--duration", "600",
          "--out",      "out/default"};
}

void check_run_args(const std::vector<std::string>& args) {
  RunArgs a;
  parse("run", args, run_options(a));
}

int cmd_run(const std::vector<std::string>& args) {
  if (args.empty()) {
    const auto defaults = default_run_args();
    std::string line;
    for (const auto& a : defaults) line += " " + a;
    fmt::print("maia-sim run: no arguments, running the default job: maia-sim run{}\n\n", line);
    return cmd_run(defaults);
  }
  RunArgs a;
  const po::options_description desc = run_options(a);
  auto& [chip, model_name, out_dir, emit_ops, weights, activations, kv, experts, spec, trace,
         serving, timeline, tp, speculate, parallel, system_serving, cache, price_per_hour] = a;
  const auto vm = parse("run", args, desc);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (model_name.empty()) {
    const auto models = list_models(default_models_dir());
    std::string names;
    for (const auto& n : models) names += (names.empty() ? "" : ", ") + n;
    throw InputError(
        fmt::format("maia-sim run: --model is required (one of: {}; or a config.json path)",
                    names.empty() ? "none found" : names));
  }
  // Conflicting options are refused before anything is loaded or simulated.
  const bool burst = vm["arrival"].as<std::string>() == "burst";
  if (burst && vm.count("rate"))
    throw InputError(
        "maia-sim run: --rate does not apply to --arrival burst (all requests arrive "
        "at once)");
  const bool synthetic = vm.count("rate") > 0 || burst;
  if (synthetic && !trace.file.empty())
    throw InputError(
        "maia-sim run: a synthetic trace (--rate or --arrival burst) and --trace FILE exclude "
        "each other");
  check_run_mode_options(vm, !trace.file.empty(), synthetic);
  const bool on_system = system_serving_requested(vm, !trace.file.empty() || synthetic);
  if (!out_dir.empty()) check_output_dir(out_dir, "--out");
  if (!emit_ops.empty()) check_output_file(emit_ops, "--emit-ops");
  spec.exact = vm.count("exact") > 0;
  const bool memoize = vm.count("no-memo") == 0;
  const bool serving_run = !trace.file.empty() || synthetic;
  const Degrees degrees{tp, parallel.ep, parallel.pp, parallel.dp};
  if (tp < 1) throw InputError(fmt::format("--tp: must be >= 1, got {}", tp));
  if (parallel.ep < 1) throw InputError(fmt::format("--ep: must be >= 1, got {}", parallel.ep));
  if (parallel.dp < 1) throw InputError(fmt::format("--dp: must be >= 1, got {}", parallel.dp));
  if (parallel.pp < 1) throw InputError(fmt::format("--pp: must be >= 1, got {}", parallel.pp));
  if (serving_run && (parallel.ep > 1 || parallel.pp > 1 || parallel.dp > 1))
    throw InputError(fmt::format(
        "maia-sim run: --{} applies to a static batch; serving a trace (--trace, --rate) runs one "
        "tensor-parallel group (--tp, --system), or replicas of it behind a router (--replicas, "
        "--disaggregate)",
        parallel.ep > 1   ? "ep"
        : parallel.pp > 1 ? "pp"
                          : "dp"));
  if (vm.count("micro-batches") && parallel.pp == 1)
    throw InputError("maia-sim run: --micro-batches applies only with --pp N > 1");
  if (parallel.pp > 1 && parallel.ep > 1)
    throw InputError("maia-sim run: --pp with --ep > 1 is not modelled (one of them)");
  if (parallel.pp > 1 && !timeline.file.empty())
    throw InputError(
        "maia-sim run: --perfetto with --pp > 1 is not supported (one stage at a time)");
  AnyChipConfig cfg = load_any_chip(chip);
  ModelConfig model = load_model(model_name, default_models_dir());
  // Model checks first (heads, KV heads, experts divisible: named, before any system file is
  // read), then whether the system has the chips.
  apply_tensor_parallel(model, tp, kMaxSystemChips);
  apply_expert_parallel(model, parallel.ep);
  apply_pipeline_parallel(model, parallel.pp);
  const bool chip_given = !chip.chip_file.empty() || !chip.sets.empty();
  const RunSystem run_system = make_run_system(parallel.system_file, chip_given, cfg, degrees);
  BackendOptions options;
  options.memoize = memoize;
  options.prefetch = vm.count("prefetch") > 0;
  options.overlap = vm.count("no-overlap") == 0;
  const std::unique_ptr<DiskMeasurementCache> measurement_cache = open_cache(cache);
  options.cache = measurement_cache.get();
  const std::unique_ptr<Backend> backend = make_backend(cfg, options);
  if (vm.count("price-per-hour") && price_per_hour < 0)
    throw InputError(fmt::format(
        "maia-sim run: --price-per-hour {:g}: must be >= 0 (USD per chip-hour)", price_per_hour));
  // summary.json's energy and cost blocks (docs/power.md).
  const auto price = [&](RunSummary& s) {
    s.energy = backend->energy_coefficients();
    const CostConfig& c = backend->cost_config();
    s.cost = CostInputs{std::nullopt, c.capital_usd, c.lifetime_years, c.energy_usd_per_kwh, c.pue};
    if (vm.count("price-per-hour")) s.cost->price_per_hour = price_per_hour;
  };
  const std::int64_t tp_limit =
      run_system.system ? run_system.system->chips : backend->tensor_parallel_limit();
  if (run_system.timer) backend->set_collective_timer(run_system.timer.get());
  Quantization quant;
  quant.weights = parse_quant_dtype(weights, "--weights");
  quant.activations = parse_quant_dtype(activations, "--activations");
  quant.kv_cache = parse_quant_dtype(kv, "--kv");
  if (!experts.empty()) quant.experts = parse_quant_dtype(experts, "--experts");
  quant = resolve_quantization(model, quant);
  std::optional<SpeculativeDecoding> speculation =
      make_speculation(vm, speculate, model, tp, tp_limit);
  if (speculation && (parallel.ep > 1 || parallel.pp > 1))
    throw InputError(fmt::format("maia-sim run: --speculate with --{} > 1 is not modelled",
                                 parallel.ep > 1 ? "ep" : "pp"));
  if (speculation && trace.file.empty() && !synthetic && vm.count("accept-seed") &&
      !vm["accept-seed"].defaulted())
    throw InputError(
        "maia-sim run: --accept-seed applies only when serving a trace (a static batch uses the "
        "expected acceptance)");

  if (synthetic) {
    trace.kind = "synthetic";
    if (!trace.synthetic.length_table.empty()) trace.synthetic.lengths = "table";
  }
  trace.skip_bad_rows = vm.count("skip-bad-rows") > 0;
  if (!trace.file.empty() || synthetic) {
    serving.exact = spec.exact;
    serving.prefix_caching = vm.count("no-prefix-cache") == 0;
    serving.speculative = speculation;
    // Validates the options and refuses a model that leaves no room for the KV cache.
    serving_scheduler_config(backend->memory_capacity_bytes(), model, quant, serving);
    const std::vector<Request> requests = load_requests(trace);
    const auto tl = make_timeline(timeline);
    backend->set_timeline(tl.get());
    const std::uint64_t weight_bytes =
        memory_footprint(model, quant, {Sequence{0, 1, true}}).weight_bytes;
    const bool resident =
        backend->weights_fit_on_chip(weight_bytes) && vm.count("stream-weights") == 0;
    backend->set_weights_resident(resident);
    Json workload = {{"mode", "serving"},
                     {"trace", trace.file},
                     {"max_requests", trace.max_requests},
                     {"duration_s", trace.duration_s},
                     {"time_scale", trace.time_scale},
                     {"max_num_seqs", serving.max_num_seqs},
                     {"max_batched_tokens", serving.max_batched_tokens},
                     {"block_tokens", serving.block_tokens},
                     {"prefix_caching", serving.prefix_caching},
                     {"exact", serving.exact},
                     {"cost_points_per_octave", serving.exact ? 0 : serving.cost_points_per_octave},
                     {"slo_ttft_ms", serving.slo_ttft_ms},
                     {"slo_tpot_ms", serving.slo_tpot_ms}};
    // The offered load of a synthetic trace (maia-sim plot load-curve's x axis).
    if (vm.count("rate")) workload["rate"] = trace.synthetic.rate;
    if (speculation) workload["speculate"] = speculation_json(*speculation);
    if (on_system) {
      if (vm.count("price-per-hour"))
        throw InputError(
            "maia-sim run: --price-per-hour applies only to a static batch or a one-chip serving "
            "run (serving on a system reports no energy or cost yet)");
      const int rc = serve_on_system(vm, system_serving, parallel.system_file, *backend, model,
                                     quant, requests, serving, tp, workload, memoize, out_dir);
      if (tl) write_timeline(*tl, timeline.file);
      return rc;
    }
    const auto t0 = std::chrono::steady_clock::now();
    ProgressPrinter progress;
    serving.progress = [&progress](const ServingProgress& p) { progress(p); };
    const ServingResult r = run_serving(*backend, model, quant, requests, serving);
    progress.finish();
    RunSummary s = serving_summary(r, model.name, backend->chip_name(), quant, memoize, workload);
    price(s);
    s.tensor_parallel = model.tensor_parallel;
    s.system = system_json(run_system, degrees, s.op_phases);
    s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!out_dir.empty()) write_serving_outputs(s, r, out_dir);
    print_serving_report(r, s, serving_summary_json(s, r));
    if (!out_dir.empty())
      fmt::print("\nwrote {0}/summary.json, {0}/ops.csv and {0}/requests.csv\n", out_dir);
    if (tl) write_timeline(*tl, timeline.file);
    return kExitOk;
  }

  // Expert parallelism runs attention data-parallel: each ep group takes batch / ep requests.
  if (spec.batch % parallel.ep != 0)
    throw InputError(fmt::format(
        "--batch {}: must divide by --ep {} (attention is data-parallel over the expert-parallel "
        "groups, each taking an equal share of the requests)",
        spec.batch, parallel.ep));
  const StaticBatchSpec group_spec = spec;
  spec.batch /= parallel.ep;  // from here: one chip's requests
  // Refuse before simulating anything when the model and its KV cache do not fit.
  const std::uint64_t hbm = backend->memory_capacity_bytes();
  // Per chip: with pipeline stages, the largest stage's (each holds every micro-batch's KV).
  MemoryFootprint footprint;
  for (std::int64_t st = 0; st < parallel.pp; ++st) {
    const MemoryFootprint f = check_static_batch_capacity(
        pipeline_stage(model, st), quant, spec, hbm, speculation ? &*speculation : nullptr);
    if (st == 0 || f.total() > footprint.total()) footprint = f;
  }
  if (!emit_ops.empty())
    write_op_trace(build_iteration_graph(model, quant, static_prefill_batch(spec)), emit_ops);

  const auto tl = make_timeline(timeline);
  backend->set_timeline(tl.get());
  // Weights stay in SRAM when they fit (small models); otherwise they stream from HBM.
  const bool resident =
      backend->weights_fit_on_chip(footprint.weight_bytes) && vm.count("stream-weights") == 0;
  backend->set_weights_resident(resident);
  const auto t0 = std::chrono::steady_clock::now();
  StaticBatchResult r;
  PipelineRun pipeline;
  if (parallel.pp > 1) {
    const std::int64_t micro =
        vm.count("micro-batches") ? parallel.micro_batches : std::min(parallel.pp, spec.batch);
    // Each stage's tp chips send the activations to the next stage's: a send/recv along the
    // chain of tp x pp chips, timed by the system's model.
    const auto link = [&](std::int64_t tokens) {
      const double bytes = static_cast<double>(
          dtype_bytes(quant.activations, static_cast<std::uint64_t>(tokens * model.hidden_size)));
      return run_system.timer
          ->time(CollectiveOp::kSendRecv, tp * parallel.pp, bytes, quant.activations)
          .time_ns;
    };
    r = run_pipelined_static_batch(*backend, model, quant, spec, micro, link, pipeline);
  } else {
    r = run_static_batch(*backend, model, quant, spec, speculation ? &*speculation : nullptr);
  }
  r.replicas = parallel.ep * parallel.dp;
  RunSummary s = static_batch_summary(r, backend->chip_name(), memoize);
  // A pipelined batch does not carry its stages' activity yet: no energy block for it.
  if (parallel.pp == 1) price(s);
  if (speculation) s.workload["speculate"] = speculation_json(*speculation);
  if (r.replicas > 1) {
    s.workload["batch"] = group_spec.batch;
    s.workload["batch_per_chip"] = spec.batch;
  }
  s.tensor_parallel = model.tensor_parallel;
  s.expert_parallel = parallel.ep;
  s.data_parallel = parallel.dp;
  s.pipeline_parallel = parallel.pp;
  s.system = system_json(run_system, degrees, s.op_phases, parallel.pp > 1 ? &pipeline : nullptr);
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.memory = footprint;
  s.hbm_capacity_bytes = hbm;

  if (!out_dir.empty()) write_run_outputs(s, out_dir);
  print_report(r, s);
  fmt::print("\nweights {}\n", resident ? "resident in CSRAM (they fit in half of it)"
                                        : "streamed from HBM every iteration");
  if (!out_dir.empty()) fmt::print("\nwrote {0}/summary.json and {0}/ops.csv\n", out_dir);
  if (tl) write_timeline(*tl, timeline.file);
  return kExitOk;
}

}  // namespace maia::cli
