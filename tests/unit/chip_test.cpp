// Whole-chip properties: several chips in one simulation, a third-party TLM-2.0 memory in place
// of the built-in HBM, no microbenchmark above its configured peak, deterministic CLI output,
// and conservation of FLOPs and bytes in the GEMM kernel. One simulation per test.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <tlm_utils/simple_target_socket.h>
#include <nlohmann/json.hpp>
#include <systemc>
#include <tlm>

#include "maia/config/chip_config.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/core/dtype.hpp"
#include "maia/core/error.hpp"
#include "maia/core/time.hpp"
#include "maia/hw/chip/chip.hpp"
#include "maia/hw/chip/peaks.hpp"
#include "maia/kernels/gemm_kernel.hpp"
#include "maia/microbench/microbench.hpp"
#include "maia/program/program_builder.hpp"
#include "maia/program/program_loader.hpp"
#include "maia/sim/program_run.hpp"

namespace maia {
namespace {

using PB = ProgramBuilder;

const std::string kMaia200 = std::string(MAIA_SOURCE_DIR) + "/configs/maia200.json";

ChipConfig maia200() { return load_chip_config(kMaia200); }

// Peaks of configs/maia200.json written out from its numbers, independent of hw/chip/peaks.hpp
// (which the microbenchmarks report).
// TTU: 4 clusters x 9 enabled tiles, MACs per cycle per tile (fp4 65536, fp8 32768, bf16 8192),
// 2 FLOP per MAC, 2 GHz.
double maia200_peak_tflops(DType d) {
  const double macs = d == DType::kFp4 ? 65536 : d == DType::kFp8 ? 32768 : 8192;
  return 4 * 9 * macs * 2 * 2.0e9 / 1e12;  // 9437.184, 4718.592, 1179.648
}
// HBM: 6 stacks x 1024 DQ pins x 9.114 Gb/s / 8 bits.
constexpr double kMaia200HbmGbps = 6 * 1024 * 9.114 / 8;  // 6999.552
// GNOC data link: 1024 B per cycle at 2 GHz.
constexpr double kMaia200NocLinkGbps = 1024 * 2.0;
// PCIe: 8 lanes x 64 GT/s / 8 bits.
constexpr double kMaia200PcieGbps = 8 * 64.0 / 8;

Picos cycles(const ChipConfig& c, std::int64_t n) {
  return cycles_to_ps(static_cast<double>(n), c.clock_ghz);
}

Instruction scalar(std::int64_t n) {
  Instruction in;
  in.op = OpCode::kScalar;
  in.cycles = n;
  return in;
}

// The loaded engine whose SystemC name ends with `suffix`.
const QueueEngine& loaded(const Chip& chip, const std::string& suffix) {
  for (const QueueEngine* e : chip.loaded_engines()) {
    const std::string n = e->name();
    if (n.size() >= suffix.size() &&
        n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0)
      return *e;
  }
  throw std::runtime_error("no engine " + suffix);
}

// Runs `cmd` and returns its stdout; `status` gets the exit status.
std::string run_command(const std::string& cmd, int& status) {
  std::string out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) {
    status = -1;
    return out;
  }
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  status = ::pclose(pipe);
  return out;
}

std::string cli(const std::string& args) {
  return std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 '") + MAIA_CLI + "' " + args +
         " --chip '" + kMaia200 + "' 2>/dev/null";
}

// ---------------------------------------------------------------------------------------------
// (a) Two chips in one simulation

TEST(Chip, TwoChipsRunTheirOwnProgramsIndependently) {
  const ChipConfig cfg = maia200();
  const std::uint64_t n = 1 << 20;
  auto make = [&](const std::string& name, std::int64_t tcp_cycles) {
    PB pb(name);
    const int h = pb.add_buffer({"h", MemorySpace::kHbm, -1, {}, 0, n});
    const int c = pb.add_buffer({"c", MemorySpace::kCsram, 0, {}, 0, n});
    pb.append(pb.queue(PB::cluster(0), EngineKind::kClusterDma, 0), make_copy({h, 0}, {c, 0}, n));
    pb.append(pb.queue(PB::tile(1, 2), EngineKind::kTcp), scalar(tcp_cycles));
    Program p = pb.build();
    validate_program(p, cfg);
    return p;
  };
  const Program prog_a = make("a", 100), prog_b = make("b", 300);
  Chip a("chipA", cfg), b("chipB", cfg);
  a.load(prog_a);
  b.load(prog_b);
  sc_core::sc_start();
  ASSERT_TRUE(a.finished());
  ASSERT_TRUE(b.finished());
  const Picos dispatch = cycles(cfg, cfg.tile.tcp_dispatch_cycles);
  const auto& ta = loaded(a, ".c1.t2.tcp").spans();
  const auto& tb = loaded(b, ".c1.t2.tcp").spans();
  ASSERT_EQ(ta.size(), 1u);
  ASSERT_EQ(tb.size(), 1u);
  EXPECT_EQ(ta[0].end, dispatch + cycles(cfg, 100));
  EXPECT_EQ(tb[0].end, dispatch + cycles(cfg, 300));
  // Nothing is shared between the chips: the same copy at the same time takes the same time on
  // both (it would queue behind the other chip's on a shared HBM or GNOC).
  const auto& da = loaded(a, ".c0.dma0").spans();
  const auto& db = loaded(b, ".c0.dma0").spans();
  ASSERT_EQ(da.size(), 1u);
  ASSERT_EQ(db.size(), 1u);
  EXPECT_EQ(da[0].start, db[0].start);
  EXPECT_EQ(da[0].end, db[0].end);
  EXPECT_EQ(a.finish_time(), std::max(ta[0].end, da[0].end));
  // Each chip's statistics are its own: each HBM read exactly its program's bytes.
  EXPECT_DOUBLE_EQ(sum_stat(a.stats(), "chipA.hbm", "read_bytes"), static_cast<double>(n));
  EXPECT_DOUBLE_EQ(sum_stat(b.stats(), "chipB.hbm", "read_bytes"), static_cast<double>(n));
}

// ---------------------------------------------------------------------------------------------
// (b) Third-party TLM-2.0 memory

// Answers every blocking transport after a fixed latency and counts what it was asked.
class FixedLatencyMemory : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<FixedLatencyMemory> socket;
  std::uint64_t reads = 0, writes = 0, read_bytes = 0, write_bytes = 0;

  FixedLatencyMemory(sc_core::sc_module_name name, Picos latency)
      : sc_module(name), socket("socket"), latency_(latency) {
    socket.register_b_transport(this, &FixedLatencyMemory::b_transport);
  }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    if (gp.is_write()) {
      ++writes;
      write_bytes += gp.get_data_length();
    } else {
      ++reads;
      read_bytes += gp.get_data_length();
    }
    delay += to_sc(latency_);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
  }
  Picos latency_;
};

TEST(Chip, ThirdPartyMemoryTargetServesHbmTraffic) {
  const ChipConfig cfg = maia200();
  const Picos latency = 5 * kPicosPerUs;  // far above anything else on the path
  const auto chunk = static_cast<std::uint64_t>(cfg.cluster.dma.chunk_bytes);
  const std::uint64_t n = 4 * chunk;
  PB pb("tlm");
  const int h = pb.add_buffer({"h", MemorySpace::kHbm, -1, {}, 0, n});
  const int h2 = pb.add_buffer({"h2", MemorySpace::kHbm, -1, {}, n, n});
  const int c0 = pb.add_buffer({"c0", MemorySpace::kCsram, 0, {}, 0, n});
  const int c1 = pb.add_buffer({"c1", MemorySpace::kCsram, 1, {}, 0, n});
  pb.append(pb.queue(PB::cluster(0), EngineKind::kClusterDma, 0), make_copy({h, 0}, {c0, 0}, n));
  pb.append(pb.queue(PB::cluster(1), EngineKind::kClusterDma, 0), make_copy({c1, 0}, {h2, 0}, n));
  Program p = pb.build();
  validate_program(p, cfg);

  Chip chip("chip", cfg, ChipOptions{false});
  ASSERT_EQ(chip.hbm(), nullptr);
  FixedLatencyMemory mem("mem", latency);
  chip.bind_memory(mem.socket);
  chip.load(p);
  sc_core::sc_start();
  ASSERT_TRUE(chip.finished());

  // Conservation: the target saw every byte, one transaction per chunk, in each direction.
  EXPECT_EQ(mem.read_bytes, n);
  EXPECT_EQ(mem.write_bytes, n);
  EXPECT_EQ(mem.reads, n / chunk);
  EXPECT_EQ(mem.writes, n / chunk);
  EXPECT_DOUBLE_EQ(sum_stat(chip.stats(), "", "hbm_read_bytes"), static_cast<double>(n));
  EXPECT_DOUBLE_EQ(sum_stat(chip.stats(), "", "hbm_write_bytes"), static_cast<double>(n));

  // The read span is the setup, the memory's fixed latency and the on-chip path; the path adds
  // at most the bytes through the slowest on-chip stage, the GNOC hops and the CSRAM latency.
  const Picos setup = cycles(cfg, cfg.cluster.dma.setup_cycles);
  const double port = static_cast<double>(cfg.cluster.dma.bytes_per_cycle) * cfg.clock_ghz;
  const double slowest = std::min(port, noc_link_gbps(cfg.gnoc));
  const Picos hop = cycles_to_ps(
      static_cast<double>(cfg.gnoc.router_latency_cycles + cfg.gnoc.link_latency_cycles),
      cfg.gnoc.clock_ghz);
  const Picos path = transfer_ps(static_cast<double>(n), slowest) +
                     (2 + cfg.gnoc.mesh_cols + cfg.gnoc.mesh_rows) * hop +
                     cycles(cfg, cfg.cluster.csram.latency_cycles) +
                     transfer_ps(static_cast<double>(n), hbm_peak_gbps(cfg.hbm));
  const auto& rd = loaded(chip, ".c0.dma0").spans();
  ASSERT_EQ(rd.size(), 1u);
  EXPECT_GE(rd[0].end - rd[0].start, setup + latency);
  EXPECT_LE(rd[0].end - rd[0].start, setup + latency + path);
  // A write completes when the memory has accepted it: also at least the latency.
  const auto& wr = loaded(chip, ".c1.dma0").spans();
  ASSERT_EQ(wr.size(), 1u);
  EXPECT_GE(wr[0].end - wr[0].start, setup + latency);
  EXPECT_LE(wr[0].end - wr[0].start, setup + latency + path);
}

// ---------------------------------------------------------------------------------------------
// (c) Microbenchmarks never beat the configured peaks

void expect_gemm_within_peak(DType d) {
  const ChipConfig cfg = maia200();
  const Json j = microbench_gemm(cfg, {1024, 1024, 1024, d, d, DType::kBf16, {}, 0});
  const double peak = maia200_peak_tflops(d);
  EXPECT_DOUBLE_EQ(j["peak_tflops"].get<double>(), peak);
  EXPECT_GT(j["achieved_tflops"].get<double>(), 0.0);
  EXPECT_LE(j["achieved_tflops"].get<double>(), peak);
  EXPECT_LE(j["fraction_of_peak"].get<double>(), 1.0);
  EXPECT_LE(j["ttu_utilisation"].get<double>(), 1.0);
  EXPECT_LE(j["hbm_gbps"].get<double>(), kMaia200HbmGbps);
}

TEST(Microbench, GemmFp4WithinPeak) { expect_gemm_within_peak(DType::kFp4); }
TEST(Microbench, GemmFp8WithinPeak) { expect_gemm_within_peak(DType::kFp8); }
TEST(Microbench, GemmBf16WithinPeak) { expect_gemm_within_peak(DType::kBf16); }

constexpr std::uint64_t kHbmBytes = 16ull << 20;

TEST(Microbench, HbmSequentialWithinPeak) {
  const ChipConfig cfg = maia200();
  HbmStreamSpec s;
  s.bytes = kHbmBytes;
  const Json j = microbench_hbm(cfg, s);
  EXPECT_DOUBLE_EQ(j["peak_gbps"].get<double>(), kMaia200HbmGbps);
  EXPECT_DOUBLE_EQ(j["bytes"].get<double>(), static_cast<double>(kHbmBytes));
  EXPECT_GT(j["achieved_gbps"].get<double>(), 0.0);
  EXPECT_LE(j["achieved_gbps"].get<double>(), j["peak_gbps"].get<double>());
  // Every cluster's traffic also passes its DMA port: the chip cannot exceed their sum either.
  const double ports =
      static_cast<double>(cfg.clusters * cfg.cluster.dma.bytes_per_cycle) * cfg.clock_ghz;
  EXPECT_LE(j["achieved_gbps"].get<double>(), ports);
  EXPECT_GE(j["row_hit_rate"].get<double>(), 0.0);
  EXPECT_LE(j["row_hit_rate"].get<double>(), 1.0);
  EXPECT_LE(j["bus_utilisation"].get<double>(), 1.0);
}

TEST(Microbench, HbmRandomSlowerThanSequential) {
  const ChipConfig cfg = maia200();
  HbmStreamSpec s;
  s.random = true;
  s.bytes = kHbmBytes;
  const Json rnd = microbench_hbm(cfg, s);
  EXPECT_GT(rnd["achieved_gbps"].get<double>(), 0.0);
  EXPECT_LE(rnd["achieved_gbps"].get<double>(), kMaia200HbmGbps);
  // The sequential run needs a second simulation: a separate process.
  int status = 0;
  const std::string out =
      run_command(cli("microbench hbm --pattern seq --bytes 16Mi --json"), status);
  ASSERT_EQ(status, 0) << out;
  const auto seq = nlohmann::json::parse(out);
  EXPECT_EQ(seq["pattern"], "seq");
  EXPECT_DOUBLE_EQ(seq["bytes"].get<double>(), static_cast<double>(kHbmBytes));
  EXPECT_LT(rnd["achieved_gbps"].get<double>(), seq["achieved_gbps"].get<double>());
  EXPECT_LT(rnd["row_hit_rate"].get<double>(), seq["row_hit_rate"].get<double>());
}

TEST(Microbench, PcieWithinPeak) {
  const ChipConfig cfg = maia200();
  PcieSpec s;
  s.bytes = 1 << 20;
  ASSERT_EQ(cfg.cluster.dma.chunk_bytes % cfg.pcie.max_payload_bytes, 0);  // whole TLPs per chunk
  const Json j = microbench_pcie(cfg, s);
  const double raw = kMaia200PcieGbps;
  const double mps = static_cast<double>(cfg.pcie.max_payload_bytes);
  const double payload = raw * cfg.pcie.encoding_efficiency * mps /
                         (mps + static_cast<double>(cfg.pcie.tlp_overhead_bytes));
  EXPECT_DOUBLE_EQ(j["peak_gbps"].get<double>(), raw);
  EXPECT_NEAR(j["payload_ceiling_gbps"].get<double>(), payload, 1e-9 * payload);
  for (const char* k : {"h2d_gbps", "d2h_gbps"}) {
    EXPECT_GT(j[k].get<double>(), 0.0) << k;
    EXPECT_LE(j[k].get<double>(), payload) << k;
  }
  EXPECT_LE(j["achieved_gbps"].get<double>(), raw);
  EXPECT_GE(j["command_latency_ns"].get<double>(),
            cfg.pcie.latency_ns + ps_to_ns(cycles(cfg, cfg.pcie.command_processing_cycles)));
  EXPECT_DOUBLE_EQ(j["tlps"].get<double>(),
                   2.0 * std::ceil(static_cast<double>(s.bytes) / mps) +
                       std::ceil(static_cast<double>(PcieSpec{}.command_bytes) / mps));
}

TEST(Microbench, NocLinkWithinPeak) {
  const ChipConfig cfg = maia200();
  const Json j = microbench_noc(cfg, {"link", 4ull << 20});
  EXPECT_DOUBLE_EQ(j["peak_gbps"].get<double>(), kMaia200NocLinkGbps);
  EXPECT_GT(j["achieved_gbps"].get<double>(), 0.0);
  EXPECT_LE(j["achieved_gbps"].get<double>(), j["peak_gbps"].get<double>());
  EXPECT_LE(j["hottest_link_busy_fraction"].get<double>(), 1.0);
}

TEST(Microbench, NocBisectionWithinPeak) {
  const ChipConfig cfg = maia200();
  const Json j = microbench_noc(cfg, {"bisection", 4ull << 20});
  // Two directions across the cut between the mesh's middle rows: 3 columns, one link each.
  EXPECT_DOUBLE_EQ(j["peak_gbps"].get<double>(), 2.0 * 3 * kMaia200NocLinkGbps);
  EXPECT_GT(j["achieved_gbps"].get<double>(), 0.0);
  EXPECT_LE(j["achieved_gbps"].get<double>(), j["peak_gbps"].get<double>());
}

// ---------------------------------------------------------------------------------------------
// (d) Determinism

TEST(Chip, CliGemmOutputIsDeterministic) {
  const std::string cmd = cli("microbench gemm --m 1024 --n 1024 --k 1024 --dtype fp8 --json");
  int s1 = 0, s2 = 0;
  const std::string first = run_command(cmd, s1);
  const std::string second = run_command(cmd, s2);
  ASSERT_EQ(s1, 0) << first;
  ASSERT_EQ(s2, 0) << second;
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first, second);
  const auto j = nlohmann::json::parse(first);
  EXPECT_EQ(j["benchmark"], "gemm");
  EXPECT_GT(j["achieved_tflops"].get<double>(), 0.0);
}

// ---------------------------------------------------------------------------------------------
// (e) GEMM kernel conservation

TEST(GemmKernel, FlopsAndHbmBytesAreConserved) {
  const ChipConfig cfg = maia200();
  // M is no multiple of the 32-row TTU tile, so any block size leaves edge blocks.
  const GemmSpec spec{650, 384, 512, DType::kFp8, DType::kFp8, DType::kBf16, {}, 0};
  const GemmKernel k = build_gemm_kernel(cfg, spec);
  const ProgramResult r = run_program(cfg, k.program);
  const auto m = static_cast<std::uint64_t>(spec.m), n = static_cast<std::uint64_t>(spec.n),
             kk = static_cast<std::uint64_t>(spec.k);
  EXPECT_DOUBLE_EQ(r.ttu_flops, 2.0 * static_cast<double>(m * n * kk));
  const double a = static_cast<double>(dtype_bytes(spec.a_dtype, m * kk));
  const double b = static_cast<double>(dtype_bytes(spec.b_dtype, kk * n));
  const double c = static_cast<double>(dtype_bytes(spec.out_dtype, m * n));
  EXPECT_GE(r.hbm_read_bytes, a + b);
  EXPECT_DOUBLE_EQ(r.hbm_write_bytes, c);
  // The roofline: never faster than the TTU peak nor than HBM can deliver the bytes.
  const double secs = r.time_ns * 1e-9;
  EXPECT_LE(2.0 * static_cast<double>(m * n * kk) / secs, chip_peak_flops(cfg, spec.a_dtype));
  EXPECT_GE(r.time_ns, (a + b + c) / hbm_peak_gbps(cfg.hbm));
  // The plan's HBM traffic is what the program moves. The shape is not a multiple of the
  // block size, so edge blocks are smaller than bm x bn.
  ASSERT_TRUE(spec.m % k.plan.bm != 0 || spec.n % k.plan.bn != 0) << "shape must have edge blocks";
  const double padded_c = static_cast<double>(dtype_bytes(
                              spec.out_dtype, static_cast<std::uint64_t>(k.plan.bm * k.plan.bn))) *
                          static_cast<double>(k.plan.block_rows * k.plan.block_cols);
  EXPECT_NE(k.plan.hbm_bytes, r.hbm_read_bytes + padded_c);
  EXPECT_DOUBLE_EQ(r.hbm_read_bytes + r.hbm_write_bytes, k.plan.hbm_bytes);
}

// Programs run as successive phases of one simulation (one time base): each phase starts where
// the previous one ended, reports only its own time and bytes, and has fresh semaphores.
TEST(ChipSession, PhasesRunBackToBackInOneTimeBase) {
  const ChipConfig cfg;
  constexpr std::uint64_t kBytes = 1 << 20;
  auto build = [&](const std::string& name) {
    PB pb(name);
    const int h = pb.add_buffer({"h", MemorySpace::kHbm, -1, {}, 0, kBytes});
    const int c = pb.add_buffer({"c", MemorySpace::kCsram, 0, {}, 0, kBytes});
    const int s = pb.add_semaphore("copied", PB::tile(0, 0));
    Instruction copy = make_copy({h, 0}, {c, 0}, kBytes);
    copy.signals.push_back(sem(s));
    pb.append(pb.queue(PB::cluster(0), EngineKind::kClusterDma, 0), copy);
    Instruction work;
    work.op = OpCode::kScalar;
    work.cycles = 1000;
    work.waits.push_back(sem(s));
    pb.append(pb.queue(PB::tile(0, 0), EngineKind::kTcp), work);
    Program p = pb.build();
    validate_program(p, cfg);
    return p;
  };
  const Program first = build("first"), second = build("second");
  ChipSession session(cfg);
  const ProgramResult a = session.run(first);
  EXPECT_DOUBLE_EQ(session.now_ns(), a.time_ns);
  const ProgramResult b = session.run(second);
  EXPECT_DOUBLE_EQ(session.now_ns(), a.time_ns + b.time_ns);
  for (const ProgramResult* r : {&a, &b}) {
    EXPECT_DOUBLE_EQ(r->hbm_read_bytes, static_cast<double>(kBytes));  // per phase, not cumulative
    EXPECT_EQ(r->engines.size(), 2u);
    // The scalar work waited for this phase's copy: its semaphore started at 0 again.
    const auto& tcp = r->engines[1].spans_ns;
    ASSERT_EQ(tcp.size(), 1u);
    EXPECT_GT(tcp[0].first, r->engines[0].spans_ns[0].second);
    EXPECT_NEAR(tcp[0].second - tcp[0].first, ps_to_ns(cycles_to_ps(1000, cfg.clock_ghz)), 1e-9);
  }
}

TEST(ChipSession, DeadlockInOnePhaseIsReportedAndNamesIt) {
  const ChipConfig cfg;
  PB pb("stuck");
  const int s = pb.add_semaphore("never", PB::tile(0, 0));
  Instruction work;
  work.op = OpCode::kScalar;
  work.cycles = 10;
  work.waits.push_back(sem(s));
  pb.append(pb.queue(PB::tile(0, 0), EngineKind::kTcp), work);
  const Program p = pb.build();
  ChipSession session(cfg);
  try {
    session.run(p);
    FAIL() << "expected a deadlock";
  } catch (const SimulationError& e) {
    EXPECT_NE(std::string(e.what()).find("never (has 0, needs 1)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
