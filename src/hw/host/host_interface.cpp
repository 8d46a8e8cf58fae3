#include "maia/hw/host/host_interface.hpp"

#include "maia/hw/chip/peaks.hpp"

namespace maia {

HostInterface::HostInterface(sc_core::sc_module_name name, const PcieConfig& cfg,
                             double chip_clock_ghz)
    : sc_module(name),
      cfg_(cfg),
      chip_clock_ghz_(chip_clock_ghz),
      latency_(ns_to_ps(cfg.latency_ns)) {}

double HostInterface::raw_gbps() const { return pcie_raw_gbps(cfg_); }

double HostInterface::payload_gbps() const {
  const double mps = static_cast<double>(cfg_.max_payload_bytes);
  return raw_gbps() * cfg_.encoding_efficiency * mps /
         (mps + static_cast<double>(cfg_.tlp_overhead_bytes));
}

std::uint64_t HostInterface::wire_bytes(std::uint64_t payload) const {
  const auto mps = static_cast<std::uint64_t>(cfg_.max_payload_bytes);
  const std::uint64_t tlps = (payload + mps - 1) / mps;
  return payload + tlps * static_cast<std::uint64_t>(cfg_.tlp_overhead_bytes);
}

Flow HostInterface::link_transfer(PcieDirection dir, std::uint64_t bytes, Flow in) {
  const int d = dir == PcieDirection::kHostToDevice ? 0 : 1;
  const std::uint64_t wire = wire_bytes(bytes);
  payload_bytes_[d] += bytes;
  tlps_[d] += (bytes + static_cast<std::uint64_t>(cfg_.max_payload_bytes) - 1) /
              static_cast<std::uint64_t>(cfg_.max_payload_bytes);
  OccupancyServer& link = d == 0 ? h2d_ : d2h_;
  const Picos dur = transfer_ps(static_cast<double>(wire), raw_gbps() * cfg_.encoding_efficiency);
  const Reservation r = reserve_paced(link, in, dur, wire);
  return {r.start + latency_, r.end + latency_};
}

Flow HostInterface::host_memory(std::uint64_t bytes, Flow in) {
  const Reservation r = reserve_paced(
      host_dram_, in, transfer_ps(static_cast<double>(bytes), cfg_.host_memory_gbps), bytes);
  return {r.start, r.end};
}

Picos HostInterface::command(std::uint64_t bytes, Picos at) {
  ++commands_;
  const Flow arrived = link_transfer(PcieDirection::kHostToDevice, bytes, {at, at});
  const Picos decode =
      cycles_to_ps(static_cast<double>(cfg_.command_processing_cycles), chip_clock_ghz_);
  return control_processor_.reserve(arrived.last, decode).end;
}

void HostInterface::collect_stats(std::vector<StatGroup>& out) const {
  StatGroup g(name());
  g.set("h2d_payload_bytes", static_cast<double>(payload_bytes_[0]), "B", "host-to-device payload");
  g.set("d2h_payload_bytes", static_cast<double>(payload_bytes_[1]), "B", "device-to-host payload");
  g.set("h2d_wire_bytes", static_cast<double>(h2d_.bytes()), "B",
        "host-to-device bytes incl. TLP overhead");
  g.set("d2h_wire_bytes", static_cast<double>(d2h_.bytes()), "B",
        "device-to-host bytes incl. TLP overhead");
  g.set("h2d_tlps", static_cast<double>(tlps_[0]), "count", "host-to-device data TLPs");
  g.set("d2h_tlps", static_cast<double>(tlps_[1]), "count", "device-to-host data TLPs");
  g.set("h2d_busy_ns", ps_to_ns(h2d_.busy_ps()), "ns", "host-to-device link busy time");
  g.set("d2h_busy_ns", ps_to_ns(d2h_.busy_ps()), "ns", "device-to-host link busy time");
  g.set("host_dram_bytes", static_cast<double>(host_dram_.bytes()), "B", "host DRAM bytes moved");
  g.set("commands", static_cast<double>(commands_), "count", "host commands processed");
  g.set("raw_gbps", raw_gbps(), "GB/s", "line rate per direction");
  g.set("payload_gbps", payload_gbps(), "GB/s", "best-case payload rate per direction");
  out.push_back(std::move(g));
}

}  // namespace maia
