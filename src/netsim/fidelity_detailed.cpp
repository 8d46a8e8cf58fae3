// detailed: the algorithm's real message schedule (collective_schedule.hpp) run as chunked,
// packetised flows through the system's links and switches (hw/net) in one SystemC simulation.
// The network comes from the topology (Topology::network), the endpoints from the chip config
// (HBM peak, nic.dma_chunk_bytes, the reduction rate of the analytical model), the packets from
// the system's transport block. `auto` is resolved by the analytical model (a tuner's choice).
#include <algorithm>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/hbm/hbm_timing.hpp"
#include "maia/hw/net/fabric.hpp"
#include "maia/netsim/collective_engine.hpp"
#include "maia/netsim/collective_fidelity.hpp"

namespace maia {
namespace {

FabricSpec fabric_spec(const SystemConfig& sys, const NetworkSpec& net, double reduce_gbps) {
  const auto* chip = std::get_if<ChipConfig>(&sys.chip);
  if (chip == nullptr)
    throw InputError(fmt::format(
        "{}: chip: the detailed fidelity needs a maia chip (its NIC ports, DMA chunking and "
        "HBM), got kind \"{}\"; use --fidelity analytical",
        sys.file, chip_kind_name(chip_kind(sys.chip))));
  FabricSpec f;
  for (std::int64_t c = 0; c < net.ranks; ++c)
    f.endpoints.push_back({fmt::format("c{}", c), hbm_peak_gbps(chip->hbm), reduce_gbps,
                           static_cast<std::uint64_t>(chip->nic.dma_chunk_bytes),
                           net.endpoint_latency_ns});
  for (const auto& s : net.switches) f.switches.push_back({s.name, s.forward_latency_ns});
  for (const auto& l : net.links)
    f.links.push_back({l.name, static_cast<int>(l.a), static_cast<int>(l.b), l.gbytes_per_s, 0.0});
  f.transport.packet_bytes = static_cast<std::uint64_t>(sys.transport.packet_bytes);
  f.transport.header_bytes = static_cast<std::uint64_t>(sys.transport.header_bytes);
  f.transport.spray = sys.transport.spray;
  return f;
}

// The ring: within each group of the innermost tier, the order of its ranks whose weakest
// direct link is strongest (a closed ring for one group, a path through each of several), groups
// in sequence; lexicographic search, so deterministic.
std::vector<std::int64_t> ring_order(const NetworkSpec& net, const std::vector<Tier>& tiers) {
  const std::int64_t n = net.ranks;
  std::map<std::pair<std::int64_t, std::int64_t>, double> direct;
  for (const auto& l : net.links)
    if (l.a < n && l.b < n) {
      direct[{l.a, l.b}] += l.gbytes_per_s;
      direct[{l.b, l.a}] += l.gbytes_per_s;
    }
  auto bw = [&](std::int64_t a, std::int64_t b) {
    const auto it = direct.find({a, b});
    return it == direct.end() ? 0.0 : it->second;
  };
  const std::int64_t g = tiers.empty() ? n : tiers.front().span;
  const bool closed = g == n;
  std::vector<std::int64_t> ring;
  for (std::int64_t first = 0; first < n; first += g) {
    std::vector<std::int64_t> order(static_cast<std::size_t>(g)), best;
    std::iota(order.begin(), order.end(), first);
    double best_w = -1;
    if (g <= 8) {
      do {
        double w = 1e300;
        for (std::size_t i = 0; i + 1 < order.size(); ++i)
          w = std::min(w, bw(order[i], order[i + 1]));
        if (closed) w = std::min(w, bw(order.back(), order.front()));
        if (w > best_w) {
          best_w = w;
          best = order;
        }
      } while (std::next_permutation(order.begin() + 1, order.end()));
    } else {
      best = order;
    }
    ring.insert(ring.end(), best.begin(), best.end());
  }
  return ring;
}

class Detailed : public CollectiveFidelity {
 public:
  std::string_view name() const override { return "detailed"; }
  std::string_view description() const override {
    return "the algorithm's message schedule as packetised flows through SystemC links and "
           "switches (systems up to a few hundred chips)";
  }
  CollectiveResult run(const SystemConfig& sys, CollectiveOp op, std::int64_t ranks,
                       std::uint64_t bytes, DType dtype,
                       const std::string& algorithm) const override {
    CollectiveResult r;
    r.fidelity = "detailed";
    const CollectiveEstimate plan = estimate_collective(
        *sys.topology, sys.chip, op, ranks, static_cast<double>(bytes), dtype, algorithm);
    const NetworkSpec net = sys.topology->network(ranks, "--chips");
    Fabric fabric(fabric_spec(sys, net, reduce_gbytes_per_s(sys.chip, dtype)), sys.file);

    ScheduleQuery q;
    q.op = op;
    q.ranks = ranks;
    q.bytes = bytes;
    q.tiers = sys.topology->tiers(ranks, "--chips");
    q.ring = ring_order(net, q.tiers);
    q.pipeline_chunks = plan.pipeline_chunks;
    q.segment_bytes = fabric.endpoint(0).chunk_bytes;
    const Schedule schedule = find_schedule_builder(plan.algorithm, "algorithm").build(q);
    const ScheduleRun run = run_schedule(fabric, schedule);

    CollectiveEstimate& e = r.estimate;
    e.algorithm = plan.algorithm;
    e.bound_gbps = plan.bound_gbps;
    e.pipeline_chunks = plan.pipeline_chunks;
    const Picos span = run.end - run.start;
    e.time_ns = ps_to_ns(span);
    e.algbw_gbps = e.time_ns > 0 ? static_cast<double>(bytes) / e.time_ns : 0.0;
    e.busbw_gbps = e.algbw_gbps * busbw_factor(op, ranks);

    r.scheduled_bytes = schedule.sent_bytes();
    for (const auto& t : schedule.tasks)
      (t.kind == ScheduleTask::Kind::kSend ? r.messages : r.reductions) += 1;
    for (int c = 0; c < fabric.endpoint_count(); ++c) {
      r.sent_bytes += fabric.endpoint(c).sent_bytes;
      r.received_bytes += fabric.endpoint(c).received_bytes;
    }
    auto use = [&](const LinkDirection& d) {
      LinkUse u;
      u.name = d.name();
      u.tier = d.name().substr(0, d.name().find(':'));
      u.gbytes_per_s = d.gbytes_per_s();
      u.payload_bytes = d.payload_bytes();
      u.wire_bytes = d.wire_bytes();
      u.packets = d.packets();
      u.busy_ns = ps_to_ns(d.busy_ps());
      u.wait_ns = ps_to_ns(d.wait_ps());
      u.utilisation = span > 0 ? static_cast<double>(d.busy_ps()) / static_cast<double>(span) : 0;
      return u;
    };
    for (const auto& l : fabric.links())
      for (const LinkDirection* d : {&l->forward(), &l->backward()})
        if (d->packets() > 0) r.links.push_back(use(*d));
    for (const auto& s : fabric.switches())
      for (const auto& p : s->ports())
        if (p.egress->packets() > 0 || p.ingress->packets() > 0)
          r.switch_ports.push_back({s->name(), p.egress->name(), p.egress->payload_bytes(),
                                    p.ingress->payload_bytes(), ps_to_ns(p.egress->busy_ps()),
                                    ps_to_ns(p.egress->wait_ps())});
    return r;
  }
};

}  // namespace

std::unique_ptr<CollectiveFidelity> make_detailed_fidelity() {
  return std::make_unique<Detailed>();
}

}  // namespace maia
