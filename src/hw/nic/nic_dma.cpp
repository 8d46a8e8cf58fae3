#include "maia/hw/nic/nic_dma.hpp"

#include <algorithm>
#include <cmath>
#include <deque>

#include "maia/hw/memory/memory_stage.hpp"

namespace maia {
namespace {

// The NIC as a stage of a transfer chain: out to the peer and its mirrored chunk back in.
class NicExchangeStage : public TransferStage {
 public:
  NicExchangeStage(Nic& nic, std::size_t peer) : nic_(nic), peer_(peer) {}
  Flow serve(Flow in, std::uint64_t, std::uint64_t bytes) override {
    return nic_.exchange(peer_, bytes, in);
  }

 private:
  Nic& nic_;
  std::size_t peer_;
};

}  // namespace

std::int64_t nic_dma_outstanding(const ChipConfig& chip, std::size_t peer) {
  const double ports =
      peer < chip.nic.tray_links.size() ? static_cast<double>(chip.nic.tray_links[peer]) : 0.0;
  const double group_bytes_per_ns = ports * chip.nic.port_gbps / 8.0;
  const double in_flight = group_bytes_per_ns * 2.0 * chip.nic.latency_ns;
  const auto chunks = static_cast<std::int64_t>(
      std::ceil(in_flight / static_cast<double>(chip.nic.dma_chunk_bytes)));
  return std::max(chunks, chip.cluster.dma.max_outstanding);
}

NicDma::NicDma(sc_core::sc_module_name name, SemaphoreFabric& sync, const DmaConfig& cfg,
               double clock_ghz, Nic& nic, std::size_t peer, HbmNocPath& hbm_path, int nic_endpoint,
               double hbm_peak_gbps)
    : QueueEngine(name, EngineKind::kNicDma, {Location::Kind::kNic, -1, -1}, sync, nullptr, 0),
      memory_socket("memory_socket"),
      cfg_(cfg),
      clock_ghz_(clock_ghz),
      nic_(nic),
      peer_(peer),
      hbm_path_(hbm_path),
      nic_endpoint_(nic_endpoint),
      hbm_peak_gbps_(hbm_peak_gbps) {}

Picos NicDma::execute(const Instruction& in) {
  wait_until(now_ps() + cycles_to_ps(static_cast<double>(cfg_.setup_cycles), clock_ghz_));
  const Buffer& src = buffer(in.src);
  const Buffer& dst = buffer(in.dst);
  const std::uint64_t src_base = src.offset + in.src.offset, dst_base = dst.offset + in.dst.offset;
  MemoryStage read(*memory_socket.operator->(), src_base, false, hbm_peak_gbps_);
  HbmNocStage to_nic(hbm_path_, src_base, nic_endpoint_, false);
  NicExchangeStage link(nic_, peer_);
  HbmNocStage from_nic(hbm_path_, dst_base, nic_endpoint_, true);
  MemoryStage write(*memory_socket.operator->(), dst_base, true, hbm_peak_gbps_);
  TransferStage* send_chain[] = {&read, &to_nic, &link};
  TransferStage* receive_chain[] = {&from_nic, &write};
  // A chunk is sent (read, GNOC, port, link) when issued; its mirrored copy is written to HBM
  // once it has arrived, so that the memory sees requests in time order (a write booked ahead
  // would hold back the reads issued after it). Chunks not yet arrived count as in flight.
  struct Arrival {
    Flow flow;
    std::uint64_t offset, bytes;
  };
  std::deque<Arrival> pending;
  Picos done = now_ps();
  const auto write_arrived = [&] {
    while (!pending.empty() && pending.front().flow.first <= now_ps()) {
      const Arrival& a = pending.front();
      done = std::max(done, run_chain(receive_chain, a.flow, a.offset, a.bytes).last);
      pending.pop_front();
    }
  };
  const auto chunk = static_cast<std::uint64_t>(cfg_.chunk_bytes);
  for (std::uint64_t off = 0; off < in.bytes; off += chunk) {
    write_arrived();
    if (static_cast<std::int64_t>(pending.size()) >= cfg_.max_outstanding) {
      wait_until(pending.front().flow.first);
      write_arrived();
    }
    const std::uint64_t len = std::min(chunk, in.bytes - off);
    pending.push_back({run_chain(send_chain, Flow{now_ps(), now_ps()}, off, len), off, len});
  }
  while (!pending.empty()) {
    wait_until(pending.front().flow.first);
    write_arrived();
  }
  sent_ += in.bytes;
  return done;
}

void NicDma::add_stats(StatGroup& g) const {
  g.set("sent_bytes", static_cast<double>(sent_), "B", "HBM -> tray peer (and received back)");
}

}  // namespace maia
