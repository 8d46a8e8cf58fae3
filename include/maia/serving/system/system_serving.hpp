#pragma once
// Serving on a system (docs/serving.md, "Serving on a system"): several replicas of the model
// (each one chip or one tensor-parallel group) behind a router, either colocated (each replica
// prefills and decodes) or disaggregated into a prefill pool and a decode pool, the KV cache of
// each prefilled prompt moving to a decode replica over the system's network. All replicas run
// on one simulated clock: an event loop over iteration ends, KV transfer ends and arrivals, the
// router deciding at each arrival from the replicas' state at that time. One backend measures
// for all (the chips are identical): one iteration cost model serves every replica.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "maia/backend/backend.hpp"
#include "maia/serving/serving_run.hpp"
#include "maia/system/system_config.hpp"

namespace maia {

enum class ReplicaRole { kColocated, kPrefill, kDecode };
const char* to_string(ReplicaRole role);

struct SystemServingOptions {
  std::int64_t replicas = 1;  // colocated replicas (without disaggregation)
  // Disaggregated: prefill_replicas > 0 and decode_replicas > 0 (replicas is then their sum).
  std::int64_t prefill_replicas = 0, decode_replicas = 0;
  std::string router = "round-robin";  // a name of router_names_text()
  bool disaggregated() const { return prefill_replicas > 0 || decode_replicas > 0; }
  std::int64_t replica_count() const {
    return disaggregated() ? prefill_replicas + decode_replicas : replicas;
  }
};

// "P:D" into prefill_replicas and decode_replicas; InputError naming `option` otherwise (D = 0
// or P = 0 included).
void parse_disaggregation(const std::string& text, const std::string& option,
                          SystemServingOptions& o);
// Validates counts and the router name (InputError).
void validate_system_serving_options(const SystemServingOptions& o);

// One request on the system: its whole life (tokens from the prefill and the decode replica
// together), where it ran and its KV transfer.
struct SystemRequestRecord {
  RequestRecord record;              // arrival, first token, finish, every token time on the system
  std::int64_t replica = -1;         // the replica that prefilled it (colocated: served it)
  std::int64_t decode_replica = -1;  // disaggregated: the one that decoded it; -1: none
  std::uint64_t kv_bytes = 0;        // KV moved (0: none)
  std::optional<double> kv_start_s, kv_end_s;  // the transfer on its link
  std::optional<double> kv_transfer_s() const {
    return kv_start_s && kv_end_s ? std::optional<double>(*kv_end_s - *kv_start_s) : std::nullopt;
  }
};

struct KvTransferRecord {
  std::uint64_t request = 0;
  std::size_t from = 0, to = 0;  // replicas
  std::uint64_t bytes = 0;       // all chips of the group together
  double ready_s = 0, start_s = 0, end_s = 0;
};

struct ReplicaResult {
  std::size_t index = 0;
  ReplicaRole role = ReplicaRole::kColocated;
  std::int64_t first_chip = 0, chips = 1;
  ServingResult serving;  // its own scheduler's records (a decode replica's begin at KV arrival)
  double busy_s = 0;      // sum of its iterations' times
};

struct SystemServingResult {
  SystemServingOptions options;
  std::string system;  // the system config's name
  std::string transfer_model;
  std::int64_t chips_per_replica = 1;
  std::vector<ReplicaResult> replicas;
  std::vector<SystemRequestRecord> requests;  // trace order
  std::vector<KvTransferRecord> transfers;    // in order of start
  // The system as one: merged records, summed counters and phases (serving_summary_json).
  ServingResult total;
  std::int64_t chips() const {
    return static_cast<std::int64_t>(replicas.size()) * chips_per_replica;
  }
};

// Serves `requests` (arrival order) on the replicas of `options`, each `chips_per_replica`
// chips of `system` (replica r on chips r*c .. r*c+c-1; InputError when the system has fewer).
// `model` is per chip (tensor parallelism applied). Speculative decoding is refused.
SystemServingResult run_system_serving(Backend& backend, const ModelConfig& model,
                                       const Quantization& quant,
                                       const std::vector<Request>& requests,
                                       const ServingOptions& serving,
                                       const SystemServingOptions& options,
                                       const SystemConfig& system, std::int64_t chips_per_replica);

// summary.json of the system: serving_summary_json of the whole plus "replicas" (one object
// each) and, disaggregated, "disaggregation" (KV transfers); tokens/s per chip over all chips.
Json system_serving_summary_json(const RunSummary& s, const SystemServingResult& r);
// requests.csv with the replica(s) and the KV transfer of each request.
void write_system_requests_csv(const SystemServingResult& r, const std::string& file);
// summary.json, ops.csv and requests.csv into `dir`.
void write_system_serving_outputs(const RunSummary& s, const SystemServingResult& r,
                                  const std::string& dir);

}  // namespace maia
