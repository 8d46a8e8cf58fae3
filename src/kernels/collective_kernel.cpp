#include "maia/kernels/collective_kernel.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/kernels/vector_kernel.hpp"
#include "maia/program/program_builder.hpp"
#include "maia/program/program_loader.hpp"

namespace maia {
namespace {

std::uint64_t align_up(std::uint64_t x, std::uint64_t a) { return (x + a - 1) / a * a; }

int add_semaphore(Program& p, std::string name, const Location& home) {
  p.semaphores.push_back({std::move(name), 0, home});
  return static_cast<int>(p.semaphores.size()) - 1;
}

int add_hbm_buffer(Program& p, std::string name, std::uint64_t offset, std::uint64_t bytes) {
  p.buffers.push_back({std::move(name), MemorySpace::kHbm, -1, {}, offset, bytes});
  return static_cast<int>(p.buffers.size()) - 1;
}

Queue& nic_queue(Program& p, std::int64_t peer) {
  const Location nic{Location::Kind::kNic, -1, -1};
  const int ch = static_cast<int>(peer);
  for (auto& q : p.queues)
    if (q.engine == EngineKind::kNicDma && q.channel == ch) return q;
  p.queues.push_back({nic, EngineKind::kNicDma, ch, engine_name(nic, EngineKind::kNicDma, ch), {}});
  return p.queues.back();
}

std::uint64_t hbm_end(const Program& p) {
  std::uint64_t end = 0;
  for (const auto& b : p.buffers)
    if (b.space == MemorySpace::kHbm) end = std::max(end, b.offset + b.bytes);
  return end;
}

}  // namespace

std::int64_t tensor_parallel_limit(const ChipConfig& chip) {
  std::int64_t n = 1;
  for (std::int64_t links : chip.nic.tray_links) {
    if (links <= 0) break;
    ++n;
  }
  return n;
}

double tray_group_gbytes_per_s(const ChipConfig& chip, std::int64_t peers) {
  double slowest = std::numeric_limits<double>::infinity();
  for (std::int64_t p = 0; p < peers && p < static_cast<std::int64_t>(chip.nic.tray_links.size());
       ++p)
    slowest =
        std::min(slowest, static_cast<double>(chip.nic.tray_links[static_cast<std::size_t>(p)]) *
                              chip.nic.port_gbps / 8.0);
  return std::isinf(slowest) ? 0.0 : slowest;
}

bool tray_collective_program_runs(const ChipConfig& chip, const CollectiveShape& c) {
  return c.kind != CollectiveKind::kAllToAll && c.ranks <= tensor_parallel_limit(chip);
}

Program build_collective_kernel(const ChipConfig& chip, const CollectiveSpec& spec) {
  const CollectiveShape& s = spec.shape;
  const std::string what = fmt::format("collective {}", collective_kind_name(s.kind));
  if (s.ranks < 2 || s.ranks > tensor_parallel_limit(chip))
    throw InputError(
        fmt::format("{}: ranks must be in 2..{} (this chip and its linked tray peers), "
                    "got {}",
                    what, tensor_parallel_limit(chip), s.ranks));
  if (s.elements <= 0 || s.elements % s.ranks != 0)
    throw InputError(fmt::format("{}: elements ({}) must be a positive multiple of ranks ({})",
                                 what, s.elements, s.ranks));
  if (s.kind == CollectiveKind::kAllToAll)
    throw InputError(fmt::format(
        "{}: no NIC program for an all-to-all; it is timed by a system's collective model "
        "(maia-sim run --ep with a --system)",
        what));
  const std::int64_t peers = s.ranks - 1;
  const std::int64_t shard_elements = s.elements / s.ranks;
  const std::uint64_t shard = dtype_bytes(s.dtype, static_cast<std::uint64_t>(shard_elements));
  constexpr std::uint64_t kAlign = 4096;

  if (s.kind == CollectiveKind::kAllGather) {
    Program p;
    p.name = fmt::format("all_gather_{}x{}", s.ranks, shard_elements);
    p.source = "generated:" + p.name;
    const int own = add_hbm_buffer(p, "own", spec.place.hbm_base, shard);
    const int gathered =
        add_hbm_buffer(p, "gathered", align_up(spec.place.hbm_base + shard, kAlign),
                       static_cast<std::uint64_t>(peers) * shard);
    for (std::int64_t peer = 0; peer < peers; ++peer) {
      Instruction ag =
          make_copy({own, 0}, {gathered, static_cast<std::uint64_t>(peer) * shard}, shard);
      ag.where = fmt::format("{}: all-gather to peer {}", p.name, peer);
      nic_queue(p, peer).instructions.push_back(std::move(ag));
    }
    validate_program(p, chip);
    return p;
  }

  // The reduction: the TVP adds this chip's shard (in0) and the N - 1 received ones (in1..).
  // Elementwise, so any row length works: short rows let the kernel spread them over tiles.
  const std::int64_t row = std::gcd(shard_elements, std::int64_t{4096});
  Program p = build_vector_kernel(chip, {"add", shard_elements, shard_elements / row,
                                         static_cast<int>(s.ranks), s.dtype, s.dtype, spec.place});
  p.name = fmt::format("all_reduce_{}x{}", s.ranks, shard_elements);
  p.source = "generated:" + p.name;
  std::vector<int> in(static_cast<std::size_t>(s.ranks), -1);
  int out = -1;
  for (std::size_t b = 0; b < p.buffers.size(); ++b) {
    const std::string& n = p.buffers[b].name;
    if (p.buffers[b].space != MemorySpace::kHbm) continue;
    if (n == "out") out = static_cast<int>(b);
    for (std::int64_t i = 0; i < s.ranks; ++i)
      if (n == fmt::format("in{}", i)) in[static_cast<std::size_t>(i)] = static_cast<int>(b);
  }
  if (out < 0 || std::find(in.begin(), in.end(), -1) != in.end())
    throw std::logic_error(what + ": the vector kernel's HBM buffers are not in0.. and out");
  const std::uint64_t send_at = align_up(hbm_end(p), kAlign);
  const std::uint64_t peers_bytes = static_cast<std::uint64_t>(peers) * shard;
  // The local partial sums of the shards the peers own, and the reduced shards they return.
  const int send = add_hbm_buffer(p, "send", send_at, peers_bytes);
  const int gathered =
      add_hbm_buffer(p, "gathered", align_up(send_at + peers_bytes, kAlign), peers_bytes);

  const Location gate_tile = ProgramBuilder::tile(0, 0);
  const int arrived = add_semaphore(p, "rs_arrived", gate_tile);
  const int reduced = add_semaphore(p, "reduced", {Location::Kind::kNic, -1, -1});
  std::vector<int> gate(static_cast<std::size_t>(chip.clusters), -1);
  std::vector<std::int64_t> gated(static_cast<std::size_t>(chip.clusters), 0);
  std::int64_t stores = 0;
  const std::size_t vector_queues = p.queues.size();
  for (std::size_t qi = 0; qi < vector_queues; ++qi) {
    Queue& q = p.queues[qi];
    if (q.engine != EngineKind::kClusterDma) continue;
    const auto c = static_cast<std::size_t>(q.location.cluster);
    bool pending = true;
    for (auto& ins : q.instructions) {
      const Buffer& src = p.buffers[static_cast<std::size_t>(ins.src.buffer)];
      if (pending && src.space == MemorySpace::kHbm) {
        // The first HBM load of the queue waits for every peer's shard (later ones follow it).
        if (gate[c] < 0)
          gate[c] = add_semaphore(p, fmt::format("c{}.rs_gate", c),
                                  ProgramBuilder::cluster(static_cast<int>(c)));
        if (ins.waits.size() >= kMaxSemaphoreOps)
          throw InputError(fmt::format("{}: {} has no free wait", what, q.name));
        ins.waits.push_back(sem(gate[c]));
        ++gated[c];
        pending = false;
      }
      if (ins.dst.buffer == out) {
        if (ins.signals.size() >= kMaxSemaphoreOps)
          throw InputError(fmt::format("{}: {} has no free signal", what, q.name));
        ins.signals.push_back(sem(reduced, peers));
        ++stores;
      }
    }
  }
  // c0.t0's TCP: once the N - 1 shards have arrived, release each cluster's gated loads.
  {
    Queue tcp{gate_tile, EngineKind::kTcp, 0, engine_name(gate_tile, EngineKind::kTcp), {}};
    Instruction first;
    first.op = OpCode::kScalar;
    first.cycles = 1;
    first.waits.push_back(sem(arrived, peers));
    tcp.instructions.push_back(first);
    for (std::size_t c = 0; c < gate.size(); ++c) {
      if (gate[c] < 0) continue;
      if (tcp.instructions.back().signals.size() == kMaxSemaphoreOps) {
        Instruction next;
        next.op = OpCode::kScalar;
        next.cycles = 1;
        tcp.instructions.push_back(next);
      }
      tcp.instructions.back().signals.push_back(sem(gate[c], gated[c]));
    }
    for (std::size_t i = 0; i < tcp.instructions.size(); ++i)
      tcp.instructions[i].where = fmt::format("{}: rs gate [{}]", p.name, i);
    p.queues.push_back(std::move(tcp));
  }
  for (std::int64_t peer = 0; peer < peers; ++peer) {
    const auto off = static_cast<std::uint64_t>(peer) * shard;
    // Reduce-scatter: the peer's shard of the local partial sums out, this chip's shard of the
    // peer's partial sums in.
    Instruction rs = make_copy({send, off}, {in[static_cast<std::size_t>(peer + 1)], 0}, shard);
    rs.signals.push_back(sem(arrived));
    rs.where = fmt::format("{}: reduce-scatter to peer {}", p.name, peer);
    // All-gather: the reduced shard out once every store of it is done, the peer's in.
    Instruction ag = make_copy({out, 0}, {gathered, off}, shard);
    ag.waits.push_back(sem(reduced, stores));
    ag.where = fmt::format("{}: all-gather to peer {}", p.name, peer);
    Queue& q = nic_queue(p, peer);
    q.instructions.push_back(std::move(rs));
    q.instructions.push_back(std::move(ag));
  }
  validate_program(p, chip);
  return p;
}

}  // namespace maia
