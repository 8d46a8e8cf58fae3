#include "maia/hw/tile/tile_dma.hpp"

#include <algorithm>

#include "maia/hw/engine/chunked_transfer.hpp"

namespace maia {

std::uint64_t copy_dst_bytes(const Instruction& in) {
  return in.convert ? converted_bytes(in.src_dtype, in.dst_dtype, in.bytes) : in.bytes;
}

TileDma::TileDma(sc_core::sc_module_name name, Location where, SemaphoreFabric& sync,
                 OccupancyServer* issue, Picos issue_cost, const DmaConfig& cfg, double clock_ghz,
                 BankedSram& tsram, BankedSram& csram, OccupancyServer& port)
    : QueueEngine(name, EngineKind::kTileDma, std::move(where), sync, issue, issue_cost),
      cfg_(cfg),
      clock_ghz_(clock_ghz),
      tsram_(tsram),
      csram_(csram),
      port_(port),
      window_(cfg.max_outstanding) {}

Picos TileDma::execute(const Instruction& in) {
  wait_until(now_ps() + cycles_to_ps(static_cast<double>(cfg_.setup_cycles), clock_ghz_));
  const Buffer& src = buffer(in.src);
  const Buffer& dst = buffer(in.dst);
  const bool to_tile = dst.space == MemorySpace::kTsram;
  BankedSram& from = to_tile ? csram_ : tsram_;
  BankedSram& to = to_tile ? tsram_ : csram_;
  const std::uint64_t src_base = src.offset + in.src.offset, dst_base = dst.offset + in.dst.offset;
  const std::uint64_t out_bytes = copy_dst_bytes(in);
  const double port_gbps = static_cast<double>(cfg_.bytes_per_cycle) * clock_ghz_;
  const Picos done =
      window_.issue(in.bytes, static_cast<std::uint64_t>(cfg_.chunk_bytes),
                    [&](Picos t, std::uint64_t off, std::uint64_t len) {
                      // Destination bytes of this chunk, in proportion when converting.
                      const std::uint64_t out_off = off * out_bytes / in.bytes;
                      const std::uint64_t out_len = (off + len) * out_bytes / in.bytes - out_off;
                      Flow f = from.access(src_base + off, len, false, {t, t});
                      const std::uint64_t wire = std::max(len, out_len);
                      const Reservation r = reserve_paced(
                          port_, f, transfer_ps(static_cast<double>(wire), port_gbps), wire);
                      f = {r.start, r.end};
                      return to.access(dst_base + out_off, out_len, true, f).last;
                    });
  (to_tile ? bytes_in_ : bytes_out_) += in.bytes;
  return done;
}

void TileDma::add_stats(StatGroup& g) const {
  g.set("bytes_to_tsram", static_cast<double>(bytes_in_), "B", "source bytes moved CSRAM -> TSRAM");
  g.set("bytes_to_csram", static_cast<double>(bytes_out_), "B",
        "source bytes moved TSRAM -> CSRAM");
}

}  // namespace maia
