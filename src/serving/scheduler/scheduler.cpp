#include "maia/serving/scheduler/scheduler.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/core/log.hpp"

namespace maia {

namespace {

const std::vector<std::uint64_t> kNoHashes;

// The KV manager needs a prefix block size even when prefix caching is off; any valid one.
KvBlockManager make_kv(const SchedulerConfig& c) {
  validate_scheduler_config(c);
  return KvBlockManager(c.kv_blocks, c.block_tokens,
                        c.prefix_caching ? c.prefix_block_tokens : c.block_tokens);
}

}  // namespace

Scheduler::Scheduler(const SchedulerConfig& config) : config_(config), kv_(make_kv(config)) {}

std::optional<std::string> Scheduler::rejection(const Request& r) const {
  if (r.input_tokens < 1) return fmt::format("input_tokens must be >= 1, got {}", r.input_tokens);
  if (r.output_tokens < 1)
    return fmt::format("output_tokens must be >= 1, got {}", r.output_tokens);
  if (r.kv_ready_tokens < 0 || r.kv_ready_tokens >= r.input_tokens)
    return fmt::format("kv_ready_tokens must be in [0, input_tokens - 1 = {}], got {}",
                       r.input_tokens - 1, r.kv_ready_tokens);
  // At its last step a sequence holds the KV of every token but the last one it emits.
  if (r.input_tokens > kMaxSequenceTokens || r.output_tokens > kMaxSequenceTokens - r.input_tokens)
    return fmt::format(
        "input_tokens + output_tokens must be <= {} (the simulator's limit), got {} "
        "+ {}",
        kMaxSequenceTokens, r.input_tokens, r.output_tokens);
  const std::int64_t peak_tokens = r.input_tokens + r.output_tokens - 1;
  if (config_.max_model_len > 0 && peak_tokens > config_.max_model_len)
    return fmt::format(
        "needs {} positions ({} prompt + {} output tokens - 1) but the model holds {} "
        "(max_position_embeddings)",
        peak_tokens, r.input_tokens, r.output_tokens, config_.max_model_len);
  const std::int64_t blocks = kv_.blocks_for(peak_tokens);
  if (blocks > config_.kv_blocks)
    return fmt::format(
        "needs {} KV blocks ({} prompt + {} output tokens, {} tokens per block) but the KV cache "
        "holds {}",
        blocks, r.input_tokens, r.output_tokens, config_.block_tokens, config_.kv_blocks);
  if (!config_.chunked_prefill && r.input_tokens > config_.max_batched_tokens)
    return fmt::format(
        "prompt of {} tokens exceeds max_batched_tokens {} and chunked prefill is off",
        r.input_tokens, config_.max_batched_tokens);
  return std::nullopt;
}

bool Scheduler::submit(const Request& r) {
  if (index_.count(r.id) != 0)
    throw InputError(fmt::format("scheduler: request {}: id already submitted", r.id));
  if (!std::isfinite(r.arrival_s) || r.arrival_s < 0)
    throw InputError(
        fmt::format("scheduler: request {}: arrival_s: must be a finite number >= 0, "
                    "got {}",
                    r.id, r.arrival_s));
  RequestRecord rec;
  rec.id = r.id;
  rec.arrival_s = r.arrival_s;
  rec.input_tokens = r.input_tokens;
  rec.output_tokens = r.output_tokens;
  index_[r.id] = records_.size();
  if (auto why = rejection(r)) {
    rec.status = RequestStatus::kRejected;
    rec.reject_reason = *why;
    logger().debug("scheduler: request {} rejected: {}", r.id, *why);
    records_.push_back(std::move(rec));
    ++rejected_;
    return false;
  }
  records_.push_back(std::move(rec));
  live_[r.id] = Live{r, records_.size() - 1};
  // Keep arrival order (stable): requests normally come in order, so this is a push_back.
  auto pos = waiting_.end();
  while (pos != waiting_.begin() && live_.at(*std::prev(pos)).request.arrival_s > r.arrival_s)
    --pos;
  waiting_.insert(pos, r.id);
  return true;
}

const std::vector<std::uint64_t>& Scheduler::prefix_hashes(const Live& s) const {
  return config_.prefix_caching ? s.request.prefix_blocks : kNoHashes;
}

std::int64_t Scheduler::publishable_prefix_blocks(const Live& s) const {
  if (!config_.prefix_caching) return 0;
  // Only prefix blocks wholly inside the prompt are shareable.
  return std::min<std::int64_t>(s.request.prefix_blocks.size(),
                                s.request.input_tokens / config_.prefix_block_tokens);
}

std::int64_t Scheduler::hittable_prefix_blocks(const Live& s) const {
  // At least one token is always computed, to produce the logits of the next token.
  return std::min(publishable_prefix_blocks(s), (s.total() - 1) / config_.prefix_block_tokens);
}

void Scheduler::preempt(std::uint64_t id, std::vector<Slot>& slots, std::int64_t& budget) {
  Live& s = live_.at(id);
  kv_.release(id);
  running_.erase(std::find(running_.begin(), running_.end(), id));
  s.running = false;
  s.computed = 0;
  s.published = 0;
  s.request.kv_ready_tokens = 0;  // moved-in KV is discarded too: the recompute is a prefill
  waiting_.push_front(id);
  RequestRecord& rec = records_[s.record];
  rec.status = RequestStatus::kWaiting;
  ++rec.preemptions;
  ++preemptions_;
  logger().debug("scheduler: request {} preempted: out of KV blocks ({} time(s) so far)", id,
                 rec.preemptions);
  // A victim already planned this iteration gives its tokens back.
  auto it = std::find_if(slots.begin(), slots.end(), [&](const Slot& x) { return x.id == id; });
  if (it != slots.end()) {
    budget += it->seq.new_tokens;
    slots.erase(it);
  }
}

bool Scheduler::schedule_running(std::uint64_t id, std::int64_t tokens, std::vector<Slot>& slots,
                                 std::int64_t& budget, std::int64_t& preempted,
                                 std::int64_t drafts) {
  Live& s = live_.at(id);
  const std::int64_t need = kv_.blocks_for(s.computed + tokens) - kv_.held_blocks(id);
  // Out of KV: preempt the most recently admitted sequence, this one last.
  while (need > 0 && !kv_.can_grow(need)) {
    const std::uint64_t victim = running_.back();
    preempt(victim, slots, budget);
    ++preempted;
    if (victim == id) return false;
  }
  if (need > 0) kv_.grow(id, need);
  const bool decode = s.generated > 0 && s.computed == s.total() - 1;
  // A decode verifying drafts samples (its tokens run past the known total by the drafts).
  slots.push_back({id, Sequence{s.computed, tokens, s.computed + tokens - drafts == s.total()},
                   decode, drafts});
  budget -= tokens;
  return true;
}

bool Scheduler::admit_next(double now_s, std::vector<Slot>& slots, std::int64_t& budget) {
  if (waiting_.empty() || budget <= 0 ||
      static_cast<std::int64_t>(running_.size()) >= config_.max_num_seqs)
    return false;
  const std::uint64_t id = waiting_.front();
  Live& s = live_.at(id);
  if (s.request.arrival_s > now_s) return false;
  // KV moved in from a prefill replica takes the place of prefix-cache hits.
  const bool moved_in = s.request.kv_ready_tokens > 0;
  const auto& hashes = moved_in ? kNoHashes : prefix_hashes(s);
  const std::int64_t hits = moved_in ? 0 : kv_.match_prefix(hashes, hittable_prefix_blocks(s));
  const std::int64_t cached =
      moved_in ? s.request.kv_ready_tokens : hits * config_.prefix_block_tokens;
  const std::int64_t want = s.total() - cached;
  std::int64_t tokens = std::min(want, budget);
  // Without chunking a prefill runs whole; only a recompute longer than any budget is chunked.
  if (!config_.chunked_prefill && want <= config_.max_batched_tokens && want > budget) return false;
  const std::int64_t blocks = kv_.blocks_for(cached + tokens) - hits * kv_.blocks_per_prefix();
  if (!kv_.can_start(hashes, hits, blocks)) return false;

  kv_.start(id, hashes, hits, blocks, moved_in ? 0 : s.total());
  waiting_.pop_front();
  running_.push_back(id);
  s.running = true;
  s.computed = cached;
  s.published = hits;
  RequestRecord& rec = records_[s.record];
  rec.status = RequestStatus::kRunning;
  if (!moved_in) rec.prefix_hit_tokens += cached;
  if (!rec.first_scheduled_s) {
    rec.first_scheduled_s = now_s;
    rec.admission_index = admissions_++;
  }
  // A moved-in sequence's one computed token is its first output token's: a decode step.
  slots.push_back({id, Sequence{cached, tokens, cached + tokens == s.total()},
                   moved_in && cached + tokens == s.total()});
  budget -= tokens;
  logger().debug(
      "scheduler: t={:.6f} s: request {} admitted, {} tokens this iteration, {} from "
      "the prefix cache, {} running",
      now_s, id, tokens, cached, running_.size());
  return true;
}

IterationPlan Scheduler::next_iteration(double now_s) {
  if (outstanding_)
    throw SimulationError(
        fmt::format("scheduler: next_iteration at {} s while iteration {} is not completed", now_s,
                    *outstanding_));
  IterationPlan plan;
  plan.start_s = now_s;
  std::int64_t budget = config_.max_batched_tokens;
  std::vector<Slot> slots;
  const std::vector<std::uint64_t> order = running_;  // oldest admission first

  // Decodes first: one token each (max_batched_tokens >= max_num_seqs guarantees the budget).
  // With speculative decoding each also verifies up to speculative_tokens drafts: never more
  // than its remaining output needs (its KV stays within input + output - 1 tokens), and only
  // from budget that leaves one token for every decode after it.
  std::int64_t decodes_left = 0;
  for (std::uint64_t id : order) {
    const Live& s = live_.at(id);
    if (s.running && s.total() - s.computed == 1) ++decodes_left;
  }
  for (std::uint64_t id : order) {
    const Live& s = live_.at(id);
    if (!s.running || s.total() - s.computed != 1) continue;
    --decodes_left;
    std::int64_t drafts = 0;
    if (config_.speculative_tokens > 0 && s.generated > 0)
      drafts = std::max<std::int64_t>(
          0, std::min({config_.speculative_tokens, s.request.output_tokens - s.generated - 1,
                       budget - 1 - decodes_left}));
    schedule_running(id, 1 + drafts, slots, budget, plan.preemptions, drafts);
  }
  // Then the next chunk of each running prefill, oldest first, while budget remains.
  for (std::uint64_t id : order) {
    const Live& s = live_.at(id);
    const std::int64_t remaining = s.total() - s.computed;
    if (!s.running || remaining <= 1) continue;
    if (budget <= 0) break;
    schedule_running(id, std::min(remaining, budget), slots, budget, plan.preemptions);
  }
  // Then admissions in arrival order, stopping at the first that does not fit (strict FCFS);
  // none after a preemption, which would only thrash.
  if (plan.preemptions == 0 || slots.empty())
    while (admit_next(now_s, slots, budget)) ++plan.admitted;

  for (const Slot& x : slots) {
    plan.batch.push_back(x.seq);
    plan.request_ids.push_back(x.id);
    plan.scheduled_tokens += x.seq.new_tokens;
    (x.decode ? plan.decode_tokens : plan.prefill_tokens) += x.seq.new_tokens;
    if (config_.speculative_tokens > 0) plan.drafts.push_back(x.drafts);
    plan.draft_tokens += x.drafts;
  }
  if (!plan.empty()) {
    plan.iteration = iterations_++;
    outstanding_ = plan.iteration;
  }
  return plan;
}

void Scheduler::publish_prefix(std::uint64_t id, Live& s) {
  const auto& hashes = s.request.prefix_blocks;
  const std::int64_t limit = publishable_prefix_blocks(s);
  while (s.published < limit && (s.published + 1) * config_.prefix_block_tokens <= s.computed &&
         kv_.publish(id, hashes[s.published]))
    ++s.published;
}

void Scheduler::finish(std::uint64_t id, Live& s, double end_s) {
  RequestRecord& rec = records_[s.record];
  rec.status = RequestStatus::kCompleted;
  rec.finish_s = end_s;
  ++completed_;
  kv_.release(id);
  running_.erase(std::find(running_.begin(), running_.end(), id));
  live_.erase(id);
}

void Scheduler::complete_iteration(const IterationPlan& plan, double end_s) {
  complete_iteration(plan, end_s, {});
}

void Scheduler::complete_iteration(const IterationPlan& plan, double end_s,
                                   const std::vector<std::int64_t>& accepted) {
  if (!accepted.empty() && accepted.size() != plan.batch.size())
    throw SimulationError(
        fmt::format("scheduler: iteration {}: {} acceptance counts for a batch of {}",
                    plan.iteration, accepted.size(), plan.batch.size()));
  if (!outstanding_ || plan.iteration != *outstanding_ || plan.empty())
    throw SimulationError(fmt::format(
        "scheduler: complete_iteration of plan {} but the outstanding one is {}", plan.iteration,
        outstanding_ ? fmt::format("{}", *outstanding_) : std::string("none")));
  if (!(end_s >= plan.start_s))
    throw SimulationError(
        fmt::format("scheduler: iteration {} ends at {} s, before it started at {} s",
                    plan.iteration, end_s, plan.start_s));
  outstanding_.reset();
  ++iterations_done_;
  for (std::size_t i = 0; i < plan.batch.size(); ++i) {
    const std::uint64_t id = plan.request_ids[i];
    const Sequence& q = plan.batch[i];
    auto it = live_.find(id);
    if (it == live_.end() || !it->second.running || it->second.computed != q.cached_tokens)
      throw SimulationError(fmt::format(
          "scheduler: iteration {}: request {} is not in the planned state", plan.iteration, id));
    Live& s = it->second;
    RequestRecord& rec = records_[s.record];
    const bool decode =
        (s.generated > 0 || s.request.kv_ready_tokens > 0) && s.computed == s.total() - 1;
    (decode ? decode_tokens_ : prefill_tokens_) += q.new_tokens;
    if (!decode) rec.prefill_tokens += q.new_tokens;
    const std::int64_t drafts = plan.drafts.empty() ? 0 : plan.drafts[i];
    const std::int64_t taken = accepted.empty() ? 0 : accepted[i];
    if (taken < 0 || taken > drafts)
      throw SimulationError(
          fmt::format("scheduler: iteration {}: request {}: {} drafts accepted of {}",
                      plan.iteration, id, taken, drafts));
    // The verified drafts' KV was written; the rejected ones' is rolled back.
    s.computed += q.new_tokens - (drafts - taken);
    if (drafts > 0) {
      ++speculative_steps_;
      draft_tokens_ += drafts;
      accepted_tokens_ += taken;
      const std::int64_t spare = kv_.held_blocks(id) - kv_.blocks_for(s.computed);
      if (spare > 0) {
        kv_.shrink(id, spare);
        rolled_back_blocks_ += spare;
      }
    }
    publish_prefix(id, s);
    if (!q.samples) continue;
    // One token of its own, and each accepted draft.
    for (std::int64_t t = 0; t <= taken; ++t) {
      ++s.generated;
      ++rec.generated;
      rec.token_times_s.push_back(end_s);
    }
    if (!rec.first_token_s) rec.first_token_s = end_s;
    if (s.generated == s.request.output_tokens) finish(id, s, end_s);
  }
}

std::optional<double> Scheduler::next_arrival_s() const {
  if (waiting_.empty()) return std::nullopt;
  return live_.at(waiting_.front()).request.arrival_s;
}

std::int64_t Scheduler::cached_prefix_blocks(const std::vector<std::uint64_t>& hashes) const {
  if (!config_.prefix_caching) return 0;
  return kv_.match_prefix(hashes, static_cast<std::int64_t>(hashes.size()));
}

const RequestRecord& Scheduler::record(std::uint64_t id) const {
  auto it = index_.find(id);
  if (it == index_.end()) throw InputError(fmt::format("scheduler: request {}: not submitted", id));
  return records_[it->second];
}

SchedulerStats Scheduler::stats() const {
  SchedulerStats st;
  st.submitted = static_cast<std::int64_t>(records_.size());
  st.completed = completed_;
  st.rejected = rejected_;
  st.waiting = static_cast<std::int64_t>(waiting_.size());
  st.running = static_cast<std::int64_t>(running_.size());
  st.iterations = iterations_done_;
  st.preemptions = preemptions_;
  st.prefill_tokens = prefill_tokens_;
  st.decode_tokens = decode_tokens_;
  st.speculative_steps = speculative_steps_;
  st.draft_tokens = draft_tokens_;
  st.accepted_tokens = accepted_tokens_;
  st.rolled_back_blocks = rolled_back_blocks_;
  st.kv = kv_.stats();
  return st;
}

}  // namespace maia
