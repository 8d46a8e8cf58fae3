#include "maia/hw/cluster/cluster_dma.hpp"

#include <algorithm>
#include <random>

#include "maia/hw/engine/chunked_transfer.hpp"
#include "maia/hw/memory/memory_stage.hpp"
#include "maia/hw/tile/tile_dma.hpp"

namespace maia {

ClusterDma::ClusterDma(sc_core::sc_module_name name, Location where, SemaphoreFabric& sync,
                       const DmaConfig& cfg, const DmaConfig& tile_dma, double clock_ghz,
                       ClusterDmaWiring wiring)
    : QueueEngine(name, EngineKind::kClusterDma, std::move(where), sync, nullptr, 0),
      memory_socket("memory_socket"),
      cfg_(cfg),
      tile_dma_(tile_dma),
      clock_ghz_(clock_ghz),
      w_(std::move(wiring)),
      window_(cfg.max_outstanding) {}

Flow ClusterDma::through_port(Flow in, std::uint64_t bytes) {
  const double gbps = static_cast<double>(cfg_.bytes_per_cycle) * clock_ghz_;
  const Reservation r =
      reserve_paced(*w_.port, in, transfer_ps(static_cast<double>(bytes), gbps), bytes);
  return {r.start, r.end};
}

Picos ClusterDma::execute(const Instruction& in) {
  wait_until(now_ps() + cycles_to_ps(static_cast<double>(cfg_.setup_cycles), clock_ghz_));
  return in.op == OpCode::kMulticast ? multicast(in) : copy(in);
}

Picos ClusterDma::copy(const Instruction& in) {
  const Buffer& src = buffer(in.src);
  const Buffer& dst = buffer(in.dst);
  const std::uint64_t src_base = src.offset + in.src.offset, dst_base = dst.offset + in.dst.offset;
  const int me = w_.chip->cluster_endpoints[static_cast<std::size_t>(location().cluster)];
  const auto chunk = static_cast<std::uint64_t>(cfg_.chunk_bytes);

  if (src.space == MemorySpace::kHbm) {
    // HBM -> CSRAM, contiguous or as a gather of random pieces.
    MemoryStage mem(*memory_socket.operator->(), src_base, false, w_.chip->hbm_peak_gbps);
    std::mt19937_64 rng(in.pattern.seed);
    const std::uint64_t piece = in.pattern.random ? in.pattern.access_bytes : 0;
    const std::uint64_t slots =
        piece ? (src.bytes - in.src.offset) / piece : 0;  // within the buffer
    const Picos done =
        window_.issue(in.bytes, chunk, [&](Picos t, std::uint64_t off, std::uint64_t len) {
          Flow got{kNever, 0};
          if (!piece) {
            const Flow m = mem.serve({t, t}, off, len);
            got = w_.chip->hbm_path->move(src_base + off, len, me, false, m);
          } else {
            for (std::uint64_t p = 0; p < len; p += piece) {
              const std::uint64_t n = std::min(piece, len - p);
              const std::uint64_t at = (rng() % slots) * piece;
              const Flow m = mem.serve({t, t}, at, n);
              const Flow f = w_.chip->hbm_path->move(src_base + at, n, me, false, m);
              got.first = std::min(got.first, f.first);
              got.last = std::max(got.last, f.last);
            }
          }
          const Flow p = through_port(got, len);
          return w_.csram->access(dst_base + off, len, true, p).last;
        });
    hbm_read_ += in.bytes;
    return done;
  }
  if (dst.space == MemorySpace::kHbm) {
    // CSRAM -> HBM.
    MemoryStage mem(*memory_socket.operator->(), dst_base, true, w_.chip->hbm_peak_gbps);
    std::mt19937_64 rng(in.pattern.seed);
    const std::uint64_t piece = in.pattern.random ? in.pattern.access_bytes : 0;
    const std::uint64_t slots =
        piece ? (dst.bytes - in.dst.offset) / piece : 0;  // within the buffer
    const Picos done =
        window_.issue(in.bytes, chunk, [&](Picos t, std::uint64_t off, std::uint64_t len) {
          Flow f = w_.csram->access(src_base + off, len, false, {t, t});
          f = through_port(f, len);
          if (!piece) {
            f = w_.chip->hbm_path->move(dst_base + off, len, me, true, f);
            return mem.serve(f, off, len).last;
          }
          Picos done = f.last;
          for (std::uint64_t p = 0; p < len; p += piece) {  // scatter
            const std::uint64_t n = std::min(piece, len - p);
            const std::uint64_t at = (rng() % slots) * piece;
            const Flow g = w_.chip->hbm_path->move(dst_base + at, n, me, true, f);
            done = std::max(done, mem.serve(g, at, n).last);
          }
          return done;
        });
    hbm_write_ += in.bytes;
    return done;
  }
  // CSRAM -> CSRAM of another cluster (cluster-to-cluster transfer over the GNOC).
  BankedSram* to = w_.chip->csrams[static_cast<std::size_t>(dst.cluster)];
  const int peer = w_.chip->cluster_endpoints[static_cast<std::size_t>(dst.cluster)];
  const Picos done =
      window_.issue(in.bytes, chunk, [&](Picos t, std::uint64_t off, std::uint64_t len) {
        Flow f = w_.csram->access(src_base + off, len, false, {t, t});
        f = through_port(f, len);
        if (peer != me) f = w_.chip->noc->transfer(me, peer, len, f);
        return to->access(dst_base + off, len, true, f).last;
      });
  csram_peer_ += in.bytes;
  return done;
}

Picos ClusterDma::multicast(const Instruction& in) {
  const std::uint64_t src_base = buffer(in.src).offset + in.src.offset;
  const std::uint64_t dst_base = buffer(in.dst).offset + in.dst.offset;
  const double tile_port_gbps = static_cast<double>(tile_dma_.bytes_per_cycle) * clock_ghz_;
  const Picos done = window_.issue(
      in.bytes, static_cast<std::uint64_t>(cfg_.chunk_bytes),
      [&](Picos t, std::uint64_t off, std::uint64_t len) {
        // One CSRAM read feeds every target tile through the cluster's broadcast fabric.
        const Flow read = w_.csram->access(src_base + off, len, false, {t, t});
        Picos done = read.last;
        for (const Location& tile : in.targets) {
          const TileDataPort& tp = w_.tiles[static_cast<std::size_t>(tile.tile)];
          const Reservation r = reserve_paced(
              *tp.port, read, transfer_ps(static_cast<double>(len), tile_port_gbps), len);
          done = std::max(done, tp.tsram->access(dst_base + off, len, true, {r.start, r.end}).last);
        }
        return done;
      });
  multicast_bytes_ += in.bytes;
  multicast_tile_writes_ += in.bytes * in.targets.size();
  return done;
}

void ClusterDma::add_stats(StatGroup& g) const {
  g.set("hbm_read_bytes", static_cast<double>(hbm_read_), "B", "HBM -> CSRAM");
  g.set("hbm_write_bytes", static_cast<double>(hbm_write_), "B", "CSRAM -> HBM");
  g.set("csram_peer_bytes", static_cast<double>(csram_peer_), "B", "CSRAM -> CSRAM of a cluster");
  g.set("multicast_bytes", static_cast<double>(multicast_bytes_), "B",
        "CSRAM bytes read for multicast");
  g.set("multicast_tile_bytes", static_cast<double>(multicast_tile_writes_), "B",
        "TSRAM bytes written by multicast (read once, written per tile)");
}

}  // namespace maia
