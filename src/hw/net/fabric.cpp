#include "maia/hw/net/fabric.hpp"

#include <algorithm>
#include <deque>
#include <limits>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

Fabric::Fabric(const FabricSpec& spec, const std::string& where)
    : transport_(spec.transport), spray_(make_spray_policy(spec.transport.spray, where)) {
  if (transport_.packet_bytes < 1)
    throw InputError(fmt::format("{}: transport.packet_bytes: must be >= 1, got 0", where));
  for (const auto& e : spec.endpoints) {
    if (e.hbm_gbytes_per_s <= 0 || e.reduce_gbytes_per_s <= 0 || e.chunk_bytes < 1)
      throw InputError(fmt::format(
          "{}: endpoint {}: HBM bandwidth, reduction rate and DMA chunk must be positive", where,
          e.name));
    auto ep = std::make_unique<NetEndpoint>();
    ep->name = e.name;
    ep->hbm_gbytes_per_s = e.hbm_gbytes_per_s;
    ep->reduce_gbytes_per_s = e.reduce_gbytes_per_s;
    ep->chunk_bytes = e.chunk_bytes;
    ep->latency = ns_to_ps(e.latency_ns);
    endpoints_.push_back(std::move(ep));
    names_.push_back(e.name);
  }
  for (const auto& s : spec.switches) {
    switches_.push_back(std::make_unique<NetSwitch>(s.name, ns_to_ps(s.forward_latency_ns)));
    names_.push_back(s.name);
  }
  const int nodes = static_cast<int>(names_.size());
  const int ends = endpoint_count();
  std::vector<std::vector<LinkDirection*>> out(static_cast<std::size_t>(nodes));
  for (const auto& l : spec.links) {
    if (l.a < 0 || l.b < 0 || l.a >= nodes || l.b >= nodes || l.a == l.b || l.gbytes_per_s <= 0)
      throw InputError(fmt::format("{}: link {}: joins nodes {} and {} at {} GB/s: invalid", where,
                                   l.name, l.a, l.b, l.gbytes_per_s));
    links_.push_back(std::make_unique<NetLink>(l.name, l.a, l.b, names_[l.a], names_[l.b],
                                               l.gbytes_per_s, ns_to_ps(l.latency_ns)));
    NetLink& link = *links_.back();
    out[static_cast<std::size_t>(l.a)].push_back(&link.forward());
    out[static_cast<std::size_t>(l.b)].push_back(&link.backward());
    for (const int node : {l.a, l.b})
      if (node >= ends)
        switches_[static_cast<std::size_t>(node - ends)]->attach(&link.from(node),
                                                                 &link.from(l.a + l.b - node));
  }
  // Shortest paths towards each endpoint, hop by hop; only switches forward.
  hops_.assign(static_cast<std::size_t>(nodes) * static_cast<std::size_t>(ends), {});
  // Spray counters start at the destination's index, so messages to different destinations
  // start on different links (as a hash of the flow would spread them).
  turns_.assign(hops_.size(), 0);
  for (std::size_t i = 0; i < turns_.size(); ++i) turns_[i] = i % static_cast<std::size_t>(ends);
  for (int dst = 0; dst < ends; ++dst) {
    std::vector<int> dist(static_cast<std::size_t>(nodes), std::numeric_limits<int>::max());
    std::deque<int> queue = {dst};
    dist[static_cast<std::size_t>(dst)] = 0;
    while (!queue.empty()) {
      const int v = queue.front();
      queue.pop_front();
      if (v != dst && v < ends) continue;  // a chip is a leaf
      for (LinkDirection* d : out[static_cast<std::size_t>(v)]) {
        const auto u = static_cast<std::size_t>(d->to());
        if (dist[u] != std::numeric_limits<int>::max()) continue;
        dist[u] = dist[static_cast<std::size_t>(v)] + 1;
        queue.push_back(d->to());
      }
    }
    for (int u = 0; u < nodes; ++u) {
      if (u == dst || dist[static_cast<std::size_t>(u)] == std::numeric_limits<int>::max())
        continue;
      auto& cands = hops_[static_cast<std::size_t>(u) * static_cast<std::size_t>(ends) +
                          static_cast<std::size_t>(dst)];
      for (LinkDirection* d : out[static_cast<std::size_t>(u)]) {
        const int v = d->to();
        if ((v == dst || v >= ends) &&
            dist[static_cast<std::size_t>(v)] + 1 == dist[static_cast<std::size_t>(u)])
          cands.push_back(d);
      }
    }
    for (int src = 0; src < ends; ++src)
      if (src != dst && dist[static_cast<std::size_t>(src)] == std::numeric_limits<int>::max())
        throw InputError(
            fmt::format("{}: network: {} cannot reach {}", where, names_[src], names_[dst]));
  }
}

Flow Fabric::route_packet(int src, int dst, Flow f, std::uint64_t wire, std::uint64_t payload) {
  const auto ends = static_cast<std::size_t>(endpoint_count());
  int node = src;
  while (node != dst) {
    const std::size_t at = static_cast<std::size_t>(node) * ends + static_cast<std::size_t>(dst);
    const auto& cands = hops_[at];
    LinkDirection* d = cands[cands.size() == 1 ? 0 : spray_->pick(cands, turns_[at])];
    f = d->carry(f, wire, payload);
    node = d->to();
    if (node >= endpoint_count()) f = switches_[static_cast<std::size_t>(node) - ends]->forward(f);
  }
  return f;
}

std::vector<Picos> Fabric::send(int src, const std::vector<Send>& sends, Picos ready) {
  NetEndpoint& from = *endpoints_[static_cast<std::size_t>(src)];
  std::vector<Picos> done(sends.size(), ready);
  std::vector<std::uint64_t> offset(sends.size(), 0);
  std::vector<bool> started(sends.size(), false);
  bool any = true;
  while (any) {
    any = false;
    for (std::size_t m = 0; m < sends.size(); ++m) {
      const Send& s = sends[m];
      if (started[m] && offset[m] >= s.bytes) continue;
      started[m] = true;
      NetEndpoint& to = *endpoints_[static_cast<std::size_t>(s.dst)];
      const std::uint64_t chunk = std::min(from.chunk_bytes, s.bytes - offset[m]);
      offset[m] += chunk;
      any = any || offset[m] < s.bytes;
      // The NIC DMA reads the chunk from HBM; its packets leave once their bytes are read.
      const Reservation read = from.hbm.reserve(
          ready, transfer_ps(static_cast<double>(chunk), from.hbm_gbytes_per_s), chunk);
      const Flow out{read.start + from.latency, read.end + from.latency};
      Flow arrived{kNever, 0};
      const std::uint64_t packets = transport_.packets(chunk);
      for (std::uint64_t p = 0; p < packets; ++p) {
        const std::uint64_t payload =
            std::min(transport_.packet_bytes, chunk - std::min(chunk, p * transport_.packet_bytes));
        const Flow f = route_packet(src, s.dst, out, payload + transport_.header_bytes, payload);
        // Out-of-order receive: the chunk is complete when its last packet is in.
        arrived.first = std::min(arrived.first, f.first);
        arrived.last = std::max(arrived.last, f.last);
      }
      Reservation write = to.hbm.reserve(
          arrived.first, transfer_ps(static_cast<double>(chunk), to.hbm_gbytes_per_s), chunk);
      write.end = std::max(write.end, arrived.last);
      from.sent_bytes += chunk;
      to.received_bytes += chunk;
      done[m] = std::max(done[m], write.end);
    }
  }
  return done;
}

Picos Fabric::reduce(int rank, std::uint64_t bytes, Picos ready) {
  NetEndpoint& e = *endpoints_[static_cast<std::size_t>(rank)];
  e.reduced_bytes += bytes;
  return e.reducer
      .reserve(ready, transfer_ps(static_cast<double>(bytes), e.reduce_gbytes_per_s), bytes)
      .end;
}

}  // namespace maia
