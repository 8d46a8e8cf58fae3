// Statistics that measure time an engine or a module was busy can never exceed the time that
// passed: for every engine of every program, busy <= run time (utilisation <= 100%), and for
// every module statistic that is a utilisation or a busy time (not a sum over several units),
// the same. The programs cover overlapping DMA instructions (back-to-back copies on one queue),
// multicast, a GEMM pipeline and the host path.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <systemc>

#include "maia/config/config_loader.hpp"
#include "maia/program/program_loader.hpp"
#include "maia/sim/program_run.hpp"

namespace maia {
namespace {

const std::string kSource = MAIA_SOURCE_DIR;

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

class BusyNeverExceedsRunTime : public ::testing::TestWithParam<std::string> {};

TEST_P(BusyNeverExceedsRunTime, ForEveryEngineAndModule) {
  const ChipConfig chip = load_chip_config(kSource + "/configs/maia200.json");
  const Program program = load_program(kSource + "/examples/programs/" + GetParam(), chip);
  const ProgramResult r = run_program(chip, program, RunOptions{});
  ASSERT_GT(r.time_ns, 0);
  const double slack = 1e-9 * r.time_ns + 1e-6;
  int checked = 0;
  for (const auto& e : r.engines) {
    EXPECT_LE(e.busy_ns, r.time_ns + slack)
        << e.name << " busy " << e.busy_ns << " ns in a " << r.time_ns << " ns run";
    // Busy is the union of the spans: at least the longest, at most their sum.
    double longest = 0, sum = 0;
    for (const auto& [start, end] : e.spans_ns) {
      longest = std::max(longest, end - start);
      sum += end - start;
    }
    EXPECT_GE(e.busy_ns, longest - slack) << e.name;
    EXPECT_LE(e.busy_ns, sum + slack) << e.name;
    ++checked;
  }
  // The program started at time 0 on a fresh chip, so module counters cover [0, run time].
  for (const auto& g : r.modules)
    for (const auto& s : g.stats()) {
      // Several units added up ("sum over banks", "summed over pseudo-channels").
      if (s.description.find("sum over") != std::string::npos ||
          s.description.find("summed over") != std::string::npos)
        continue;
      if (ends_with(s.name, "utilisation")) {
        EXPECT_LE(s.value, 1.0 + 1e-9) << g.name() << "." << s.name;
        ++checked;
      } else if (ends_with(s.name, "busy_ns")) {
        EXPECT_LE(s.value, r.time_ns + slack)
            << g.name() << "." << s.name << " in a " << r.time_ns << " ns run";
        ++checked;
      }
    }
  EXPECT_GT(checked, 10);
}

INSTANTIATE_TEST_SUITE_P(Programs, BusyNeverExceedsRunTime,
                         ::testing::Values("dma_back_to_back.json", "multicast.json",
                                           "dma_gemm.json", "host_upload.json"),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.find('.'));
                           return n;
                         });

// The defect this guards against: three back-to-back copies on one cluster DMA queue overlap,
// and their lengths summed came to twice the run time.
TEST(EngineBusy, OverlappingDmaInstructionsCountOnce) {
  const ChipConfig chip = load_chip_config(kSource + "/configs/maia200.json");
  const Program program = load_program(kSource + "/examples/programs/dma_back_to_back.json", chip);
  const ProgramResult r = run_program(chip, program, RunOptions{});
  const EngineSummary* dma = nullptr;
  for (const auto& e : r.engines)
    if (ends_with(e.name, "c0.dma0")) dma = &e;
  ASSERT_NE(dma, nullptr);
  ASSERT_EQ(dma->spans_ns.size(), 3u);
  double sum = 0;
  for (const auto& [start, end] : dma->spans_ns) sum += end - start;
  EXPECT_GT(sum, r.time_ns);  // the instructions do overlap (else this test proves nothing)
  // The measure of the union, merged here from the spans sorted by start.
  auto spans = dma->spans_ns;
  std::sort(spans.begin(), spans.end());
  double union_ns = 0, covered_to = -1;
  for (const auto& [start, end] : spans) {
    union_ns += std::max(0.0, end - std::max(start, covered_to));
    covered_to = std::max(covered_to, end);
  }
  EXPECT_NEAR(dma->busy_ns, union_ns, 1e-6);
  EXPECT_LE(dma->busy_ns, r.time_ns);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
