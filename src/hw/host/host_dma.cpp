#include "maia/hw/host/host_engines.hpp"

#include "maia/hw/engine/chunked_transfer.hpp"
#include "maia/hw/memory/memory_stage.hpp"

namespace maia {

HostDma::HostDma(sc_core::sc_module_name name, SemaphoreFabric& sync, const DmaConfig& cfg,
                 double clock_ghz, HostInterface& host, HbmNocPath& hbm_path, int pcie_endpoint,
                 double hbm_peak_gbps)
    : QueueEngine(name, EngineKind::kHostDma, {}, sync, nullptr, 0),
      memory_socket("memory_socket"),
      cfg_(cfg),
      clock_ghz_(clock_ghz),
      host_(host),
      hbm_path_(hbm_path),
      pcie_endpoint_(pcie_endpoint),
      hbm_peak_gbps_(hbm_peak_gbps),
      window_(cfg.max_outstanding) {}

Picos HostDma::execute(const Instruction& in) {
  wait_until(now_ps() + cycles_to_ps(static_cast<double>(cfg_.setup_cycles), clock_ghz_));
  const Buffer& src = buffer(in.src);
  const Buffer& dst = buffer(in.dst);
  const bool to_device = dst.space == MemorySpace::kHbm;
  const std::uint64_t src_base = src.offset + in.src.offset, dst_base = dst.offset + in.dst.offset;
  const std::uint64_t hbm_base = to_device ? dst_base : src_base;
  MemoryStage mem(*memory_socket.operator->(), hbm_base, to_device, hbm_peak_gbps_);
  HostMemoryStage dram(host_);
  PcieStage h2d(host_, PcieDirection::kHostToDevice), d2h(host_, PcieDirection::kDeviceToHost);
  HbmNocStage noc(hbm_path_, hbm_base, pcie_endpoint_, to_device);
  const Picos done = window_.issue(in.bytes, static_cast<std::uint64_t>(cfg_.chunk_bytes),
                                   [&](Picos t, std::uint64_t off, std::uint64_t len) {
                                     if (to_device) {
                                       TransferStage* chain[] = {&dram, &h2d, &noc, &mem};
                                       return run_chain(chain, {t, t}, off, len).last;
                                     }
                                     TransferStage* chain[] = {&mem, &noc, &d2h, &dram};
                                     return run_chain(chain, {t, t}, off, len).last;
                                   });
  (to_device ? to_device_ : to_host_) += in.bytes;
  return done;
}

void HostDma::add_stats(StatGroup& g) const {
  g.set("to_device_bytes", static_cast<double>(to_device_), "B", "host DRAM -> HBM");
  g.set("to_host_bytes", static_cast<double>(to_host_), "B", "HBM -> host DRAM");
}

}  // namespace maia
