#include "maia/compiler/operator_window.hpp"

#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "maia/compiler/program_footprint.hpp"
#include "maia/core/error.hpp"
#include "maia/program/program_builder.hpp"
#include "maia/program/program_loader.hpp"

namespace maia {
namespace {

Location gate_tile(int cluster) { return ProgramBuilder::tile(cluster, 0); }

// Appends `waits` (three per instruction) and then `signals` (three per instruction) as TCP
// scalar instructions; the chain runs in order on one TCP queue.
void append_chain(Queue& q, std::vector<int>& owner, std::vector<SemaphoreOp> waits,
                  std::vector<SemaphoreOp> signals, const std::string& where) {
  std::vector<Instruction> chain;
  auto fresh = [&] {
    Instruction in;
    in.op = OpCode::kScalar;
    in.cycles = 1;
    in.where = fmt::format("{} [{}]", where, chain.size());
    chain.push_back(std::move(in));
  };
  for (std::size_t i = 0; i < waits.size(); ++i) {
    if (i % kMaxSemaphoreOps == 0) fresh();
    chain.back().waits.push_back(waits[i]);
  }
  for (std::size_t i = 0; i < signals.size(); ++i) {
    if (chain.empty() || chain.back().signals.size() == kMaxSemaphoreOps) fresh();
    chain.back().signals.push_back(signals[i]);
  }
  for (auto& in : chain) {
    q.instructions.push_back(std::move(in));
    owner.push_back(-1);
  }
}

}  // namespace

MergedWindow merge_operators(const std::vector<WindowOperator>& ops, const std::string& name,
                             const ChipConfig& chip) {
  MergedWindow m;
  Program& out = m.program;
  out.name = name;
  out.source = "generated:" + name;
  std::map<std::string, std::size_t> queue_of;  // engine name -> merged queue
  auto queue = [&](const Queue& like) -> std::size_t {
    const auto it = queue_of.find(like.name);
    if (it != queue_of.end()) return it->second;
    queue_of[like.name] = out.queues.size();
    out.queues.push_back({like.location, like.engine, like.channel, like.name, {}});
    m.owner.emplace_back();
    return out.queues.size() - 1;
  };
  auto add_sem = [&](std::string sem_name, const Location& home) {
    out.semaphores.push_back({std::move(sem_name), 0, home});
    return static_cast<int>(out.semaphores.size()) - 1;
  };
  const int n = static_cast<int>(ops.size());
  // Consumers of each producer.
  std::vector<std::vector<int>> consumers(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j)
    for (int p : ops[static_cast<std::size_t>(j)].producers) {
      if (p < 0 || p >= j) throw InputError(fmt::format("{}: producer {} of {}", name, p, j));
      consumers[static_cast<std::size_t>(p)].push_back(j);
    }
  // Per operator: where its HBM writes are (producers) and which queues it gates (consumers),
  // both by cluster.
  const int clusters = chip.clusters;
  std::vector<std::vector<int>> writes(static_cast<std::size_t>(n), std::vector<int>(clusters, 0));
  std::vector<std::vector<int>> gated(static_cast<std::size_t>(n), std::vector<int>(clusters, 0));
  std::vector<int> done_sem;  // per (producer, cluster): done[p][c]
  std::vector<std::vector<int>> gate_sem(static_cast<std::size_t>(n),
                                         std::vector<int>(clusters, -1));
  for (int j = 0; j < n; ++j) {
    const WindowOperator& op = ops[static_cast<std::size_t>(j)];
    const Program& p = *op.program;
    const int buf0 = static_cast<int>(out.buffers.size());
    const int sem0 = static_cast<int>(out.semaphores.size());
    for (const auto& b : p.buffers) {
      Buffer c = b;
      c.name = fmt::format("op{}.{}", j, b.name);
      out.buffers.push_back(std::move(c));
    }
    for (const auto& s : p.semaphores)
      out.semaphores.push_back({fmt::format("op{}.{}", j, s.name), s.initial, s.home});
    const bool producer = !consumers[static_cast<std::size_t>(j)].empty();
    const bool consumer = !op.producers.empty();
    std::vector<int> done(static_cast<std::size_t>(clusters), -1);
    if (producer)
      for (int c = 0; c < clusters; ++c)
        done[static_cast<std::size_t>(c)] =
            add_sem(fmt::format("op{}.done.c{}", j, c), gate_tile(c));
    if (consumer)
      for (int c = 0; c < clusters; ++c)
        gate_sem[static_cast<std::size_t>(j)][static_cast<std::size_t>(c)] =
            add_sem(fmt::format("op{}.gate.c{}", j, c), ProgramBuilder::cluster(c));
    for (const auto& q : p.queues) {
      const std::size_t qi = queue(q);
      bool gate_pending = consumer && q.engine == EngineKind::kClusterDma;
      for (const auto& in0 : q.instructions) {
        Instruction in = in0;
        auto shift = [&](BufferRef& r) {
          if (r.buffer >= 0) r.buffer += buf0;
        };
        shift(in.a);
        shift(in.b);
        shift(in.c);
        shift(in.src);
        shift(in.dst);
        for (auto& o : in.operands) shift(o);
        for (auto& w : in.waits) w.semaphore += sem0;
        for (auto& s : in.signals) s.semaphore += sem0;
        const bool hbm_src =
            in.op == OpCode::kCopy && in0.src.buffer >= 0 &&
            p.buffers[static_cast<std::size_t>(in0.src.buffer)].space == MemorySpace::kHbm;
        const bool hbm_dst =
            in.op == OpCode::kCopy && in0.dst.buffer >= 0 &&
            p.buffers[static_cast<std::size_t>(in0.dst.buffer)].space == MemorySpace::kHbm;
        const bool weights =
            hbm_src && std::find(op.weight_buffers.begin(), op.weight_buffers.end(),
                                 in0.src.buffer) != op.weight_buffers.end();
        const int c = q.location.cluster;
        if (gate_pending && hbm_src && !weights) {
          if (in.waits.size() >= kMaxSemaphoreOps)
            throw InputError(
                fmt::format("{}: {} has no free wait for the data gate", name, in.where));
          in.waits.push_back(
              {gate_sem[static_cast<std::size_t>(j)][static_cast<std::size_t>(c)], 1});
          ++gated[static_cast<std::size_t>(j)][static_cast<std::size_t>(c)];
          gate_pending = false;
        }
        if (producer && hbm_dst) {
          if (in.signals.size() >= kMaxSemaphoreOps)
            throw InputError(
                fmt::format("{}: {} has no free signal for the data gate", name, in.where));
          in.signals.push_back({done[static_cast<std::size_t>(c)], 1});
          ++writes[static_cast<std::size_t>(j)][static_cast<std::size_t>(c)];
        }
        out.queues[qi].instructions.push_back(std::move(in));
        m.owner[qi].push_back(j);
      }
    }
    if (producer) done_sem.insert(done_sem.end(), done.begin(), done.end());
  }
  // The gates' TCP chains, on tile 0 of each cluster, in window order: an operator's gather
  // (it waits for its producers) comes before its own collection (its consumers wait for it).
  Queue tcp_like;
  std::vector<std::size_t> tcp(static_cast<std::size_t>(clusters));
  for (int c = 0; c < clusters; ++c) {
    tcp_like.location = gate_tile(c);
    tcp_like.engine = EngineKind::kTcp;
    tcp_like.name = engine_name(tcp_like.location, EngineKind::kTcp);
    tcp[static_cast<std::size_t>(c)] = queue(tcp_like);
  }
  // ready[p][c][c']: producer p's writes in cluster c are done, as seen from cluster c'.
  std::map<std::array<int, 3>, int> ready;
  std::size_t next_done = 0;
  for (int j = 0; j < n; ++j) {
    const WindowOperator& op = ops[static_cast<std::size_t>(j)];
    for (int c2 = 0; c2 < clusters && !op.producers.empty(); ++c2) {
      const int g = gated[static_cast<std::size_t>(j)][static_cast<std::size_t>(c2)];
      if (g == 0) continue;
      std::vector<SemaphoreOp> waits;
      for (int p : op.producers)
        for (int c = 0; c < clusters; ++c)
          if (writes[static_cast<std::size_t>(p)][static_cast<std::size_t>(c)] > 0)
            waits.push_back({ready.at({p, c, c2}), 1});
      append_chain(out.queues[tcp[static_cast<std::size_t>(c2)]],
                   m.owner[tcp[static_cast<std::size_t>(c2)]], std::move(waits),
                   {{gate_sem[static_cast<std::size_t>(j)][static_cast<std::size_t>(c2)], g}},
                   fmt::format("{}: gate of op{} in c{}", name, j, c2));
    }
    if (consumers[static_cast<std::size_t>(j)].empty()) continue;
    for (int c = 0; c < clusters; ++c, ++next_done) {
      const int w = writes[static_cast<std::size_t>(j)][static_cast<std::size_t>(c)];
      if (w == 0) continue;
      std::vector<SemaphoreOp> signals;
      for (int c2 = 0; c2 < clusters; ++c2) {
        std::int64_t readers = 0;
        for (int k : consumers[static_cast<std::size_t>(j)])
          if (gated[static_cast<std::size_t>(k)][static_cast<std::size_t>(c2)] > 0) ++readers;
        if (readers == 0) continue;
        const int r = add_sem(fmt::format("op{}.ready.c{}.c{}", j, c, c2), gate_tile(c2));
        ready[{j, c, c2}] = r;
        signals.push_back({r, readers});
      }
      append_chain(out.queues[tcp[static_cast<std::size_t>(c)]],
                   m.owner[tcp[static_cast<std::size_t>(c)]], {{done_sem[next_done], w}},
                   std::move(signals), fmt::format("{}: op{} done in c{}", name, j, c));
    }
  }
  // Drop TCP queues the gates did not need.
  for (std::size_t q = out.queues.size(); q-- > 0;)
    if (out.queues[q].instructions.empty()) {
      out.queues.erase(out.queues.begin() + static_cast<std::ptrdiff_t>(q));
      m.owner.erase(m.owner.begin() + static_cast<std::ptrdiff_t>(q));
    }
  // Semaphores declared for clusters where nothing is gated or written are never waited on.
  prune_unwaited_semaphores(out);
  validate_program(out, chip);
  return m;
}

}  // namespace maia
