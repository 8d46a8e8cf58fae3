#include "maia/kernels/transfer_kernels.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "maia/config/hbm_capacity.hpp"
#include "maia/core/error.hpp"
#include "maia/program/program_builder.hpp"
#include "maia/program/program_loader.hpp"

namespace maia {

Program build_hbm_stream(const ChipConfig& chip, const HbmStreamSpec& s) {
  if (s.bytes == 0) throw InputError("microbench hbm: --bytes must be >= 1, got 0");
  if (s.write_fraction < 0 || s.write_fraction > 1)
    throw InputError(fmt::format("microbench hbm: --write-fraction must be in [0, 1], got {}",
                                 s.write_fraction));
  const std::uint64_t capacity = hbm_capacity_bytes(chip.hbm);
  if (!s.random && s.bytes > capacity)
    throw InputError(
        fmt::format("microbench hbm: --bytes {} exceeds HBM capacity {} bytes", s.bytes, capacity));
  ProgramBuilder pb(fmt::format("hbm_{}_{}", s.random ? "random" : "seq", s.bytes));
  const int hbm =
      pb.add_buffer({"hbm", MemorySpace::kHbm, -1, {}, 0, s.random ? capacity : s.bytes});
  const std::uint64_t queues = static_cast<std::uint64_t>(chip.clusters * chip.cluster.dma_queues);
  // Each queue's share is a whole number of interleave units, so no burst is split between two
  // queues (HBM counts whole bursts).
  const auto unit = static_cast<std::uint64_t>(chip.hbm.interleave_bytes);
  const std::uint64_t share = ((s.bytes + queues - 1) / queues + unit - 1) / unit * unit;
  const std::uint64_t scratch = std::min<std::uint64_t>(
      s.instruction_bytes,
      static_cast<std::uint64_t>(chip.cluster.csram.bytes / chip.cluster.dma_queues));
  std::uint64_t done = 0, writes_so_far = 0, issued = 0;
  for (int c = 0; c < chip.clusters; ++c) {
    for (int q = 0; q < chip.cluster.dma_queues; ++q) {
      const int sb = pb.add_buffer({fmt::format("c{}.q{}.scratch", c, q),
                                    MemorySpace::kCsram,
                                    c,
                                    {},
                                    static_cast<std::uint64_t>(q) * scratch,
                                    scratch});
      Queue& queue = pb.queue(ProgramBuilder::cluster(c), EngineKind::kClusterDma, q);
      const std::uint64_t base = done;
      const std::uint64_t mine = std::min(share, s.bytes - std::min(s.bytes, done));
      for (std::uint64_t off = 0; off < mine; off += scratch) {
        const std::uint64_t n = std::min(scratch, mine - off);
        // Writes are spread evenly: instruction i is a write when it brings the running
        // write share up to the requested fraction.
        ++issued;
        const bool write = static_cast<double>(writes_so_far + 1) <=
                           s.write_fraction * static_cast<double>(issued);
        writes_so_far += write;
        Instruction in = write ? make_copy({sb, 0}, {hbm, s.random ? 0 : base + off}, n)
                               : make_copy({hbm, s.random ? 0 : base + off}, {sb, 0}, n);
        if (s.random) {
          in.pattern = {true, s.access_bytes, s.seed * 1000003 + issued};
        }
        pb.append(queue, std::move(in));
      }
      done += mine;
    }
  }
  Program p = pb.build();
  validate_program(p, chip);
  return p;
}

Program build_noc_traffic(const ChipConfig& chip, const NocTrafficSpec& s) {
  const auto& g = chip.gnoc;
  auto row_of = [&](int c) { return g.cluster_routers[static_cast<std::size_t>(c)] / g.mesh_cols; };
  auto col_of = [&](int c) { return g.cluster_routers[static_cast<std::size_t>(c)] % g.mesh_cols; };
  std::vector<std::pair<int, int>> flows;
  const std::int64_t cut = g.mesh_rows / 2;  // between rows cut-1 and cut
  if (s.test == "link") {
    for (int a = 0; a < chip.clusters && flows.empty(); ++a)
      for (int b = 0; b < chip.clusters; ++b)
        if (col_of(a) == col_of(b) && row_of(b) == row_of(a) + 1) {
          flows.push_back({a, b});
          break;
        }
    if (flows.empty())
      throw InputError(
          "microbench noc --test link: no two clusters sit on vertically adjacent routers");
  } else if (s.test == "bisection") {
    std::vector<int> upper, lower;
    for (int c = 0; c < chip.clusters; ++c) (row_of(c) < cut ? upper : lower).push_back(c);
    const std::size_t pairs = std::min(upper.size(), lower.size());
    if (pairs == 0)
      throw InputError(
          "microbench noc --test bisection: all clusters are on one side of the mesh cut");
    for (std::size_t i = 0; i < pairs; ++i) {
      flows.push_back({upper[i], lower[i]});
      flows.push_back({lower[i], upper[i]});
    }
  } else {
    throw InputError(
        fmt::format("microbench noc: --test must be link or bisection, got \"{}\"", s.test));
  }
  ProgramBuilder pb("noc_" + s.test);
  const std::uint64_t chunk =
      std::min<std::uint64_t>(8 << 20, static_cast<std::uint64_t>(chip.cluster.csram.bytes / 4));
  std::vector<int> src_buf(static_cast<std::size_t>(chip.clusters)),
      dst_buf(static_cast<std::size_t>(chip.clusters));
  for (int c = 0; c < chip.clusters; ++c) {
    src_buf[static_cast<std::size_t>(c)] =
        pb.add_buffer({fmt::format("c{}.out", c), MemorySpace::kCsram, c, {}, 0, chunk});
    dst_buf[static_cast<std::size_t>(c)] =
        pb.add_buffer({fmt::format("c{}.in", c), MemorySpace::kCsram, c, {}, chunk, chunk});
  }
  const int queues = std::min<int>(2, static_cast<int>(chip.cluster.dma_queues));
  for (const auto& [a, b] : flows) {
    for (int q = 0; q < queues; ++q) {
      Queue& queue = pb.queue(ProgramBuilder::cluster(a), EngineKind::kClusterDma, q);
      const std::uint64_t mine = s.bytes_per_flow / static_cast<std::uint64_t>(queues);
      for (std::uint64_t off = 0; off < mine; off += chunk)
        pb.append(queue, make_copy({src_buf[static_cast<std::size_t>(a)], 0},
                                   {dst_buf[static_cast<std::size_t>(b)], 0},
                                   std::min(chunk, mine - off)));
    }
  }
  Program p = pb.build();
  validate_program(p, chip);
  return p;
}

Program build_pcie_traffic(const ChipConfig& chip, const PcieSpec& s) {
  if (s.bytes == 0) throw InputError("microbench pcie: --bytes must be >= 1, got 0");
  ProgramBuilder pb("pcie");
  const int host = pb.add_buffer({"host", MemorySpace::kHost, -1, {}, 0, s.bytes});
  const int hbm = pb.add_buffer({"hbm", MemorySpace::kHbm, -1, {}, 0, s.bytes});
  Queue& dma = pb.queue(ProgramBuilder::host(), EngineKind::kHostDma);
  pb.append(dma, make_copy({host, 0}, {hbm, 0}, s.bytes));
  pb.append(dma, make_copy({hbm, 0}, {host, 0}, s.bytes));
  Instruction cmd;
  cmd.op = OpCode::kCommand;
  cmd.bytes = s.command_bytes;
  pb.append(pb.queue(ProgramBuilder::host(), EngineKind::kHostCommand), cmd);
  Program p = pb.build();
  validate_program(p, chip);
  return p;
}

Program build_host_copy(const ChipConfig& chip, std::uint64_t bytes, bool to_device) {
  if (bytes == 0) throw InputError("host copy: bytes must be >= 1, got 0");
  ProgramBuilder pb(fmt::format("host_{}_{}", to_device ? "upload" : "return", bytes));
  const int host = pb.add_buffer({"host", MemorySpace::kHost, -1, {}, 0, bytes});
  const int hbm = pb.add_buffer({"hbm", MemorySpace::kHbm, -1, {}, 0, bytes});
  Queue& dma = pb.queue(ProgramBuilder::host(), EngineKind::kHostDma);
  pb.append(dma, to_device ? make_copy({host, 0}, {hbm, 0}, bytes)
                           : make_copy({hbm, 0}, {host, 0}, bytes));
  Program p = pb.build();
  validate_program(p, chip);
  return p;
}

}  // namespace maia
