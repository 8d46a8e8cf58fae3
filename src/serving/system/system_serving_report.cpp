// summary.json and requests.csv of serving on a system (docs/outputs.md).
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"
#include "maia/report/percentiles.hpp"
#include "maia/serving/system/system_serving.hpp"

namespace maia {
namespace {

Json ms(const std::vector<double>& seconds) {
  const Distribution d = distribution(seconds);
  return Json{{"count", seconds.size()},
              {"mean", d.mean * 1e3},
              {"p50", d.p50 * 1e3},
              {"p90", d.p90 * 1e3},
              {"p99", d.p99 * 1e3}};
}

std::string opt_s(const std::optional<double>& v) {
  return v ? fmt::format("{:.9f}", *v) : std::string();
}

Json replica_json(const ReplicaResult& rr, const SystemServingResult& r, double makespan) {
  const ServingResult& s = rr.serving;
  std::int64_t served = 0, tokens = 0;
  for (const auto& rec : s.records) {
    tokens += rec.generated;
    if (rec.finished()) ++served;
  }
  // Latencies of the system's requests this replica took part in: TTFT where it emitted the
  // first token (colocated, prefill), TPOT where it emitted the rest (colocated, decode).
  std::vector<double> ttft, tpot;
  for (const auto& m : r.requests) {
    if (!m.record.finished()) continue;
    const auto idx = static_cast<std::int64_t>(rr.index);
    if (m.replica == idx)
      if (auto v = m.record.ttft_s()) ttft.push_back(*v);
    if ((m.decode_replica == idx) || (m.replica == idx && rr.role == ReplicaRole::kColocated))
      if (auto v = m.record.tpot_s()) tpot.push_back(*v);
  }
  const double kv_mean =
      makespan > 0 && s.config.kv_blocks > 0
          ? s.kv_block_seconds / makespan / static_cast<double>(s.config.kv_blocks)
          : 0.0;
  const auto& kv = s.stats.kv;
  return Json{{"index", rr.index},
              {"role", to_string(rr.role)},
              {"first_chip", rr.first_chip},
              {"chips", rr.chips},
              {"requests", s.records.size()},
              {"completed", served},
              {"output_tokens", tokens},
              {"output_tokens_per_s", makespan > 0 ? static_cast<double>(tokens) / makespan : 0.0},
              {"prefill_tokens", s.stats.prefill_tokens},
              {"decode_tokens", s.stats.decode_tokens},
              {"ttft_ms", ms(ttft)},
              {"tpot_ms", ms(tpot)},
              {"kv_blocks", s.config.kv_blocks},
              {"kv_mean_utilisation", kv_mean},
              {"kv_peak_utilisation", kv.peak_utilisation()},
              {"prefix_hit_rate", kv.prefix_query_tokens > 0
                                      ? static_cast<double>(kv.prefix_hit_tokens) /
                                            static_cast<double>(kv.prefix_query_tokens)
                                      : 0.0},
              {"preemptions", s.stats.preemptions},
              {"iterations", s.iterations},
              {"busy_fraction", makespan > 0 ? rr.busy_s / makespan : 0.0}};
}

}  // namespace

Json system_serving_summary_json(const RunSummary& s, const SystemServingResult& r) {
  Json j = serving_summary_json(s, r.total);
  const double makespan = r.total.makespan_s();
  const auto chips = static_cast<double>(r.chips());
  std::int64_t output = 0, input = 0;
  for (const auto& m : s.requests) {
    output += m.output_tokens;
    input += m.prompt_tokens;
  }
  const double out_per_s = makespan > 0 ? static_cast<double>(output) / makespan : 0.0;
  const double all_per_s = makespan > 0 ? static_cast<double>(output + input) / makespan : 0.0;
  j["throughput"]["output_tokens_per_s_per_chip"] = chips > 0 ? out_per_s / chips : 0.0;
  j["throughput"]["total_tokens_per_s_per_chip"] = chips > 0 ? all_per_s / chips : 0.0;
  j["parallelism"]["chips"] = r.chips();
  j["serving_system"] = {{"system", r.system},
                         {"mode", r.options.disaggregated() ? "disaggregated" : "colocated"},
                         {"router", r.options.router},
                         {"replicas", r.replicas.size()},
                         {"chips_per_replica", r.chips_per_replica},
                         {"chips", r.chips()},
                         {"output_tokens_per_s_per_chip", chips > 0 ? out_per_s / chips : 0.0}};
  Json reps = Json::array();
  for (const auto& rr : r.replicas) reps.push_back(replica_json(rr, r, makespan));
  j["replicas"] = reps;
  if (r.options.disaggregated()) {
    std::vector<double> time, queued;
    std::uint64_t bytes = 0;
    double total = 0;
    for (const auto& x : r.transfers) {
      time.push_back(x.end_s - x.start_s);
      queued.push_back(x.start_s - x.ready_s);
      bytes += x.bytes;
      total += x.end_s - x.start_s;
    }
    j["disaggregation"] = {{"prefill_replicas", r.options.prefill_replicas},
                           {"decode_replicas", r.options.decode_replicas},
                           {"transfer_model", r.transfer_model},
                           {"kv_transfers",
                            {{"count", r.transfers.size()},
                             {"bytes", bytes},
                             {"total_ms", total * 1e3},
                             {"time_ms", ms(time)},
                             {"queued_ms", ms(queued)}}}};
  }
  return j;
}

void write_system_requests_csv(const SystemServingResult& r, const std::string& file) {
  std::ofstream out(file);
  if (!out) throw InputError(fmt::format("{}: cannot write file", file));
  out << "id,arrival_s,first_token_s,finish_s,input_tokens,output_tokens,preemptions,status,"
         "reason,replica,decode_replica,kv_bytes,kv_start_s,kv_end_s,kv_transfer_ms\n";
  for (const auto& m : r.requests) {
    const RequestRecord& rec = m.record;
    const auto xfer = m.kv_transfer_s();
    out << fmt::format(
        "{},{:.9f},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", rec.id, rec.arrival_s,
        opt_s(rec.first_token_s), opt_s(rec.finish_s), rec.input_tokens, rec.generated,
        rec.preemptions, to_string(rec.status), csv_quote(rec.reject_reason), m.replica,
        m.decode_replica >= 0 ? fmt::format("{}", m.decode_replica) : "", m.kv_bytes,
        opt_s(m.kv_start_s), opt_s(m.kv_end_s), xfer ? fmt::format("{:.6f}", *xfer * 1e3) : "");
  }
  if (!out) throw InputError(fmt::format("{}: write failed", file));
}

void write_system_serving_outputs(const RunSummary& s, const SystemServingResult& r,
                                  const std::string& dir) {
  write_run_outputs(s, dir);
  const std::string summary = (std::filesystem::path(dir) / "summary.json").string();
  std::ofstream out(summary);
  if (!out) throw InputError(fmt::format("{}: cannot write file", summary));
  out << system_serving_summary_json(s, r).dump(2, ' ', false,
                                                nlohmann::json::error_handler_t::replace)
      << "\n";
  if (!out) throw InputError(fmt::format("{}: write failed", summary));
  write_system_requests_csv(r, (std::filesystem::path(dir) / "requests.csv").string());
}

}  // namespace maia
