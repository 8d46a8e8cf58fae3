#include "maia/serving/system/system_serving.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <unordered_map>

#include <fmt/format.h>

#include "iteration_timer.hpp"
#include "maia/core/error.hpp"
#include "maia/serving/system/kv_transfer.hpp"
#include "maia/serving/system/router.hpp"
#include "maia/workload/capacity.hpp"
#include "replica.hpp"
#include "system_timeline.hpp"

namespace maia {
namespace {

// The largest replica count accepted (a guard against typos, far above any system here).
constexpr std::int64_t kMaxReplicas = 4096;

std::int64_t parse_count(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  long long v = -1;
  try {
    v = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || v < 0)
    throw InputError(fmt::format("{}: '{}' is not a whole number >= 0", what, text));
  return v;
}

// One system request from its prefill record and (disaggregated) its decode record.
SystemRequestRecord merge(const RequestRecord& p, const RequestRecord* d,
                          std::int64_t output_tokens) {
  SystemRequestRecord m;
  m.record = p;
  m.record.output_tokens = output_tokens;
  if (!d) return m;
  RequestRecord& r = m.record;
  r.status = d->status;
  r.reject_reason = d->reject_reason;
  r.finish_s = d->finish_s;
  r.generated += d->generated;
  r.token_times_s.insert(r.token_times_s.end(), d->token_times_s.begin(), d->token_times_s.end());
  r.preemptions += d->preemptions;
  r.prefill_tokens += d->prefill_tokens;
  return m;
}

}  // namespace

const char* to_string(ReplicaRole role) {
  switch (role) {
    case ReplicaRole::kColocated:
      return "colocated";
    case ReplicaRole::kPrefill:
      return "prefill";
    case ReplicaRole::kDecode:
      return "decode";
  }
  return "?";
}

void parse_disaggregation(const std::string& text, const std::string& option,
                          SystemServingOptions& o) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos)
    throw InputError(fmt::format(
        "{}: expected P:D (prefill replicas : decode replicas, e.g. 1:1), got '{}'", option, text));
  const std::int64_t p = parse_count(text.substr(0, colon), option + " P");
  const std::int64_t d = parse_count(text.substr(colon + 1), option + " D");
  if (p == 0 || d == 0)
    throw InputError(fmt::format(
        "{}: P:D needs at least one prefill and one decode replica (P >= 1 and D >= 1), got {}",
        option, text));
  o.prefill_replicas = p;
  o.decode_replicas = d;
}

void validate_system_serving_options(const SystemServingOptions& o) {
  if (o.disaggregated()) {
    if (o.prefill_replicas < 1 || o.decode_replicas < 1)
      throw InputError(fmt::format(
          "serving system: disaggregation needs P >= 1 prefill and D >= 1 decode replicas, got "
          "{}:{}",
          o.prefill_replicas, o.decode_replicas));
  } else if (o.replicas < 1) {
    throw InputError(fmt::format("--replicas: must be >= 1, got {}", o.replicas));
  }
  if (o.replica_count() > kMaxReplicas)
    throw InputError(fmt::format("serving system: at most {} replicas, got {}", kMaxReplicas,
                                 o.replica_count()));
  make_router(o.router, "--router");
}

SystemServingResult run_system_serving(Backend& backend, const ModelConfig& model,
                                       const Quantization& quant,
                                       const std::vector<Request>& requests,
                                       const ServingOptions& serving,
                                       const SystemServingOptions& options,
                                       const SystemConfig& system, std::int64_t chips_per_replica) {
  validate_system_serving_options(options);
  if (serving.speculative)
    throw InputError(
        "maia-sim run: --speculate is not supported with --replicas or --disaggregate (serving "
        "on a system runs plain decoding)");
  if (chips_per_replica < 1)
    throw InputError(
        fmt::format("serving system: chips per replica must be >= 1, got {}", chips_per_replica));
  if (serving.cost_points_per_octave < 1 || serving.cost_points_per_octave > 64)
    throw InputError(fmt::format(
        "serving: cost_points_per_octave (--cost-points-per-octave) must be in [1, 64], got {}",
        serving.cost_points_per_octave));
  const std::int64_t n = options.replica_count();
  if (n * chips_per_replica > system.chips)
    throw InputError(fmt::format(
        "--system {}: {} replicas x {} chips need {} chips, the system ({}) has {}", system.file, n,
        chips_per_replica, n * chips_per_replica, system.name, system.chips));
  std::unique_ptr<Router> router = make_router(options.router, "--router");
  if (router->needs_prefix_ids() &&
      std::none_of(requests.begin(), requests.end(),
                   [](const Request& r) { return !r.prefix_blocks.empty(); }))
    throw InputError(fmt::format(
        "--router {}: the trace has no prefix hash ids (only Mooncake traces carry hash_ids); use "
        "round-robin or least-outstanding",
        options.router));

  SystemServingResult out;
  out.options = options;
  out.system = system.name;
  out.chips_per_replica = chips_per_replica;
  // The per-replica frame: scheduler config, KV block size, memory (per chip).
  const ServingResult frame = serving_result_frame(backend, model, quant, serving);
  std::vector<std::unique_ptr<Replica>> reps;
  std::vector<const RoutableReplica*> front_pool, decode_pool;
  std::vector<Replica*> front, decode;
  for (std::int64_t i = 0; i < n; ++i) {
    const ReplicaRole role = !options.disaggregated()       ? ReplicaRole::kColocated
                             : i < options.prefill_replicas ? ReplicaRole::kPrefill
                                                            : ReplicaRole::kDecode;
    reps.push_back(std::make_unique<Replica>(static_cast<std::size_t>(i), role,
                                             i * chips_per_replica, chips_per_replica, frame));
    if (role == ReplicaRole::kDecode) {
      decode.push_back(reps.back().get());
      decode_pool.push_back(reps.back().get());
    } else {
      front.push_back(reps.back().get());
      front_pool.push_back(reps.back().get());
    }
  }
  const std::unique_ptr<KvTransferModel> transfer_model = make_pair_hop_kv_transfer(system);
  out.transfer_model = std::string(transfer_model->name());
  KvLinks links(*transfer_model);
  IterationTimer timer(backend, model, quant, serving);
  SystemTimeline timeline(backend.timeline());
  const std::uint64_t sim0 = backend.operators_simulated(), reused0 = backend.operators_reused();

  std::unordered_map<std::uint64_t, std::size_t> position;  // id -> index in requests
  for (std::size_t i = 0; i < requests.size(); ++i) position[requests[i].id] = i;
  std::vector<std::int64_t> prefill_at(requests.size(), -1), decode_at(requests.size(), -1);
  std::vector<std::int64_t> transfer_of(requests.size(), -1);
  std::vector<Request> in_transit;     // decode requests, by transfer index
  std::vector<std::size_t> in_flight;  // transfers not yet landed
  std::int64_t done = 0;
  constexpr double kNever = std::numeric_limits<double>::infinity();

  std::size_t next = 0;
  double now = requests.empty() ? 0.0 : requests.front().arrival_s;
  const double first_arrival = now;
  std::int64_t iterations = 0;
  for (;;) {
    for (auto& r : reps)
      if (!r->busy() && r->start(now, timer)) timeline.iteration(*r);
    double t = kNever;
    for (const auto& r : reps)
      if (r->busy()) t = std::min(t, r->busy_until());
    for (std::size_t x : in_flight) t = std::min(t, out.transfers[x].end_s);
    if (next < requests.size()) t = std::min(t, requests[next].arrival_s);
    if (t == kNever) break;
    now = std::max(now, t);
    // Iteration ends, replica by replica.
    for (auto& r : reps) {
      if (!r->busy() || r->busy_until() > now) continue;
      ++iterations;
      for (std::uint64_t id : r->complete()) {
        const std::size_t at = position.at(id);
        const Request& q = requests[at];
        if (r->role() != ReplicaRole::kPrefill || q.output_tokens == 1) {
          ++done;
          continue;
        }
        // Prefilled: its KV moves to the decode replica with the fewest outstanding tokens.
        Replica* d = decode[least_outstanding_replica(decode_pool)];
        Request dq = q;
        dq.input_tokens = q.input_tokens + 1;  // the prompt and the first token
        dq.output_tokens = q.output_tokens - 1;
        dq.kv_ready_tokens = q.input_tokens;
        d->expect(dq);
        const auto shard = static_cast<double>(
            kv_cache_bytes(model, quant.kv_cache, {Sequence{0, q.input_tokens, true}}));
        const KvTransferSlot slot =
            links.queue(r->index(), d->index(), r->first_chip(), d->first_chip(), shard, now);
        KvTransferRecord x;
        x.request = id;
        x.from = r->index();
        x.to = d->index();
        x.bytes = static_cast<std::uint64_t>(shard) * static_cast<std::uint64_t>(chips_per_replica);
        x.ready_s = now;
        x.start_s = slot.start_s;
        x.end_s = slot.end_s;
        transfer_of[at] = static_cast<std::int64_t>(out.transfers.size());
        decode_at[at] = static_cast<std::int64_t>(d->index());
        in_flight.push_back(out.transfers.size());
        out.transfers.push_back(x);
        in_transit.push_back(dq);
        timeline.transfer(x, r->first_chip(), d->first_chip(), chips_per_replica);
      }
    }
    // KV transfers landing now, in order of their end (then of their start).
    std::stable_sort(in_flight.begin(), in_flight.end(), [&](std::size_t a, std::size_t b) {
      return out.transfers[a].end_s < out.transfers[b].end_s;
    });
    while (!in_flight.empty() && out.transfers[in_flight.front()].end_s <= now) {
      const std::size_t x = in_flight.front();
      in_flight.erase(in_flight.begin());
      Request dq = in_transit[x];
      dq.arrival_s = out.transfers[x].end_s;
      if (!reps[out.transfers[x].to]->assign(dq)) ++done;
    }
    // Arrivals: the router decides from the replicas' state now.
    while (next < requests.size() && requests[next].arrival_s <= now) {
      const Request& q = requests[next];
      const std::size_t pick = router->route(q, front_pool);
      Replica* r = front[pick];
      prefill_at[next] = static_cast<std::int64_t>(r->index());
      Request fq = q;
      if (options.disaggregated()) fq.output_tokens = 1;  // the prefill emits the first token
      if (!r->assign(fq)) ++done;
      ++next;
    }
    if (serving.progress)
      serving.progress(
          {done, static_cast<std::int64_t>(requests.size()), iterations, now - first_arrival});
  }
  for (const auto& r : reps)
    if (!r->idle())
      throw SimulationError(
          fmt::format("serving system: replica {} has work left but nothing can run", r->index()));

  // Results: replicas, then each request's whole life.
  for (const auto& r : reps) out.replicas.push_back(r->result(first_arrival, now));
  std::vector<std::unordered_map<std::uint64_t, std::size_t>> record_of(out.replicas.size());
  for (std::size_t k = 0; k < out.replicas.size(); ++k)
    for (std::size_t j = 0; j < out.replicas[k].serving.records.size(); ++j)
      record_of[k][out.replicas[k].serving.records[j].id] = j;
  const auto find_record = [&](std::int64_t replica, std::uint64_t id) -> const RequestRecord* {
    if (replica < 0) return nullptr;
    const auto k = static_cast<std::size_t>(replica);
    auto it = record_of[k].find(id);
    return it == record_of[k].end() ? nullptr : &out.replicas[k].serving.records[it->second];
  };
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const Request& q = requests[i];
    const RequestRecord* p = find_record(prefill_at[i], q.id);
    const RequestRecord* d = find_record(decode_at[i], q.id);
    if (!p) throw SimulationError(fmt::format("serving system: request {} has no record", q.id));
    SystemRequestRecord m = merge(*p, d, q.output_tokens);
    m.replica = prefill_at[i];
    m.decode_replica = decode_at[i];
    if (transfer_of[i] >= 0) {
      const KvTransferRecord& x = out.transfers[static_cast<std::size_t>(transfer_of[i])];
      m.kv_bytes = x.bytes;
      m.kv_start_s = x.start_s;
      m.kv_end_s = x.end_s;
    }
    out.requests.push_back(std::move(m));
  }
  std::stable_sort(
      out.transfers.begin(), out.transfers.end(),
      [](const KvTransferRecord& a, const KvTransferRecord& b) { return a.start_s < b.start_s; });

  // The whole system as one serving result.
  ServingResult& t = out.total;
  t = frame;
  t.first_arrival_s = first_arrival;
  t.end_s = now;
  for (const auto& m : out.requests) t.records.push_back(m.record);
  KvCacheStats& kv = t.stats.kv;
  for (const auto& rr : out.replicas) {
    const ServingResult& s = rr.serving;
    t.iterations += s.iterations;
    t.simulated_iterations += s.simulated_iterations;
    t.reused_iterations += s.reused_iterations;
    t.host_upload_bytes += s.host_upload_bytes;
    t.host_return_bytes += s.host_return_bytes;
    t.host_upload_ns += s.host_upload_ns;
    t.host_return_ns += s.host_return_ns;
    t.kv_block_seconds += s.kv_block_seconds;
    for (auto [mine, theirs] : {std::pair{&t.prefill, &s.prefill}, {&t.decode, &s.decode}}) {
      mine->iterations += theirs->iterations;
      mine->simulated += theirs->simulated;
      mine->tokens += theirs->tokens;
      mine->time_ns += theirs->time_ns;
    }
    t.stats.iterations += s.stats.iterations;
    t.stats.preemptions += s.stats.preemptions;
    t.stats.prefill_tokens += s.stats.prefill_tokens;
    t.stats.decode_tokens += s.stats.decode_tokens;
    kv.capacity_blocks += s.stats.kv.capacity_blocks;
    kv.used_blocks += s.stats.kv.used_blocks;
    kv.peak_used_blocks += s.stats.kv.peak_used_blocks;  // the sum of the replicas' peaks
    kv.cached_idle_blocks += s.stats.kv.cached_idle_blocks;
    kv.free_blocks += s.stats.kv.free_blocks;
    kv.evicted_blocks += s.stats.kv.evicted_blocks;
    kv.prefix_query_tokens += s.stats.kv.prefix_query_tokens;
    kv.prefix_hit_tokens += s.stats.kv.prefix_hit_tokens;
  }
  t.config.kv_blocks = frame.config.kv_blocks * n;  // the system's: every replica's together
  for (const auto& m : out.requests) {
    ++t.stats.submitted;
    if (m.record.status == RequestStatus::kCompleted) ++t.stats.completed;
    if (m.record.status == RequestStatus::kRejected) ++t.stats.rejected;
  }
  t.cost_points_simulated = timer.cost_points_simulated();
  t.host_transfers_simulated = timer.host_transfers_simulated();
  t.prefill_sample = timer.prefill_sample;
  t.decode_sample = timer.decode_sample;
  t.ops_simulated = backend.operators_simulated() - sim0;
  t.ops_reused = backend.operators_reused() - reused0;
  if (!t.records.empty() && t.stats.rejected == static_cast<std::int64_t>(t.records.size()))
    throw InputError(
        fmt::format("serving: every request ({}) was rejected; the first: request {}: {}",
                    t.records.size(), t.records.front().id, t.records.front().reject_reason));
  timeline.requests(t.records);
  return out;
}

}  // namespace maia
