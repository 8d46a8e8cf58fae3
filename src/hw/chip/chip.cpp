#include "maia/hw/chip/chip.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/core/error.hpp"
#include "maia/hw/chip/peaks.hpp"

namespace maia {

Chip::Chip(sc_core::sc_module_name name, const ChipConfig& cfg, ChipOptions options)
    : sc_module(name), cfg_(cfg) {
  sync_ = std::make_unique<SemaphoreFabric>(
      "sync",
      [this](const Location& f, const Location& h, Picos at) { return signal_latency(f, h, at); });
  gnoc_ = std::make_unique<Gnoc>("gnoc", cfg.gnoc);
  for (int c = 0; c < cfg.clusters; ++c)
    paths_.cluster_endpoints.push_back(gnoc_->add_endpoint(
        fmt::format("cluster{}", c), cfg.gnoc.cluster_routers[static_cast<std::size_t>(c)]));
  for (int s = 0; s < cfg.hbm.stacks; ++s)
    stack_endpoints_.push_back(gnoc_->add_endpoint(
        fmt::format("hbm{}", s), cfg.gnoc.hbm_routers[static_cast<std::size_t>(s)]));
  pcie_endpoint_ = gnoc_->add_endpoint("pcie", cfg.gnoc.pcie_router);
  nic_endpoint_ = gnoc_->add_endpoint("nic", cfg.gnoc.nic_router);

  hbm_map_ = std::make_unique<HbmAddressMap>(cfg.hbm);
  hbm_path_ = std::make_unique<HbmNocPath>(*gnoc_, *hbm_map_, stack_endpoints_);
  memory_router_ = std::make_unique<MemoryRouter>("memory_router");
  if (options.builtin_hbm) {
    hbm_ = std::make_unique<HbmSubsystem>("hbm", cfg.hbm);
    memory_router_->out.bind(hbm_->socket);
  }
  host_ = std::make_unique<HostInterface>("host", cfg.pcie, cfg.clock_ghz);
  nic_ = std::make_unique<Nic>("nic", cfg.nic);

  paths_.noc = gnoc_.get();
  paths_.hbm_path = hbm_path_.get();
  paths_.hbm_peak_gbps = hbm_peak_gbps();
  for (int c = 0; c < cfg.clusters; ++c) {
    clusters_.push_back(
        std::make_unique<Cluster>(fmt::format("c{}", c).c_str(), cfg, c, *sync_, paths_));
    paths_.csrams.push_back(&clusters_.back()->csram());
    for (int q = 0; q < clusters_.back()->dma_queues(); ++q)
      clusters_.back()->dma(q).memory_socket.bind(memory_router_->in);
  }
  host_dma_ = std::make_unique<HostDma>("host_dma", *sync_, cfg.cluster.dma, cfg.clock_ghz, *host_,
                                        *hbm_path_, pcie_endpoint_, hbm_peak_gbps());
  host_dma_->memory_socket.bind(memory_router_->in);
  host_cmd_ = std::make_unique<HostCommand>("host_cmd", *sync_, *host_);
  for (std::size_t peer = 0; peer < cfg.nic.tray_links.size(); ++peer) {
    if (cfg.nic.tray_links[peer] <= 0) {
      nic_dmas_.push_back(nullptr);
      continue;
    }
    DmaConfig dma = cfg.cluster.dma;
    dma.chunk_bytes = cfg.nic.dma_chunk_bytes;
    dma.max_outstanding = nic_dma_outstanding(cfg, peer);
    nic_dmas_.push_back(std::make_unique<NicDma>(fmt::format("nic_dma{}", peer).c_str(), *sync_,
                                                 dma, cfg.clock_ghz, *nic_, peer, *hbm_path_,
                                                 nic_endpoint_, hbm_peak_gbps()));
    nic_dmas_.back()->memory_socket.bind(memory_router_->in);
  }
}

void Chip::bind_memory(tlm::tlm_target_socket<>& memory) {
  if (hbm_) throw SimulationError("bind_memory: this chip already has its built-in HBM bound");
  memory_router_->out.bind(memory);
}

double Chip::hbm_peak_gbps() const { return maia::hbm_peak_gbps(cfg_.hbm); }

double Chip::peak_flops(DType t) const { return chip_peak_flops(cfg_, t); }

QueueEngine& Chip::engine_for(const Queue& q) {
  switch (q.engine) {
    case EngineKind::kHostDma:
      return *host_dma_;
    case EngineKind::kHostCommand:
      return *host_cmd_;
    case EngineKind::kNicDma: {
      const auto peer = static_cast<std::size_t>(q.channel);
      if (peer >= nic_dmas_.size() || !nic_dmas_[peer])
        throw InputError(fmt::format("{}: the NIC has no links to tray peer {}", q.name, peer));
      return *nic_dmas_[peer];
    }
    case EngineKind::kClusterDma:
      return cluster(q.location.cluster).dma(q.channel);
    default:
      return cluster(q.location.cluster).tile(q.location.tile).engine(q.engine);
  }
}

void Chip::load(const Program& program) {
  sync_->configure(program.semaphores);
  loaded_.clear();
  for (const auto& q : program.queues) {
    QueueEngine& e = engine_for(q);
    e.assign(program, q);
    loaded_.push_back(&e);
  }
}

void Chip::unload() {
  for (auto* e : loaded_) e->unassign();
}

Picos Chip::signal_latency(const Location& from, const Location& home, Picos at) {
  const Picos cycle = cycles_to_ps(1, cfg_.clock_ghz);
  if (from == home) return at + cycle;
  const Picos hop = cycles_to_ps(
      static_cast<double>(cfg_.gnoc.router_latency_cycles + cfg_.gnoc.link_latency_cycles),
      cfg_.gnoc.clock_ghz);
  auto endpoint = [&](const Location& l) {
    if (l.kind == Location::Kind::kHost) return pcie_endpoint_;
    if (l.kind == Location::Kind::kNic) return nic_endpoint_;
    return paths_.cluster_endpoints[static_cast<std::size_t>(l.cluster)];
  };
  Picos t = at;
  // host.dma and host.cmd complete on the device side of PCIe (the DMA engine and the control
  // processor live there), so their signals start at the PCIe endpoint.
  if (from.kind == Location::Kind::kTile) t += hop;  // tile -> cluster control fabric
  const int a = endpoint(from), b = endpoint(home);
  if (a != b) t = gnoc_->control_message(a, b, t);
  if (home.kind == Location::Kind::kTile) t += hop;  // cluster -> tile
  if (home.kind == Location::Kind::kHost) t += host_->latency();
  return std::max(t, at + cycle);
}

bool Chip::finished() const {
  return std::all_of(loaded_.begin(), loaded_.end(),
                     [](const QueueEngine* e) { return e->finished(); });
}

std::vector<std::string> Chip::stuck_engines() const {
  std::vector<std::string> out;
  for (const auto* e : loaded_)
    if (!e->finished()) out.push_back(e->stuck_report());
  return out;
}

Picos Chip::finish_time() const {
  Picos t = 0;
  for (const auto* e : loaded_) t = std::max(t, e->finish_ps());
  return t;
}

std::vector<QueueEngine*> Chip::loaded_engines() const { return loaded_; }

std::vector<StatGroup> Chip::stats() const {
  std::vector<StatGroup> out;
  if (hbm_) hbm_->collect_stats(out);
  gnoc_->collect_stats(out);
  for (const auto& c : clusters_) c->collect_stats(out);
  host_->collect_stats(out);
  host_dma_->collect_stats(out);
  host_cmd_->collect_stats(out);
  nic_->collect_stats(out);
  for (const auto& d : nic_dmas_)
    if (d) d->collect_stats(out);
  return out;
}

}  // namespace maia
