// Program loading and validation: a valid program round-trips into queues, instructions and
// semaphores; every class of bad program is an InputError naming the file, the JSON path or
// instruction, the rule and the offending value (with the numbers where sizes are involved).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <systemc>

#include "maia/config/chip_config.hpp"
#include "maia/core/dtype.hpp"
#include "maia/core/error.hpp"
#include "maia/program/program.hpp"
#include "maia/program/program_builder.hpp"
#include "maia/program/program_loader.hpp"

namespace maia {
namespace {

using Json = nlohmann::json;

constexpr const char* kFile = "prog.json";
constexpr std::int64_t kDim = 256;  // gemm m = n = k

// A small valid program on cluster 0: HBM -> CSRAM -> TSRAM of c0.t0, then a gemm.
Json valid_program(const ChipConfig& chip) {
  const auto ab = static_cast<std::int64_t>(dtype_bytes(DType::kFp8, kDim * kDim));
  const auto c = static_cast<std::int64_t>(dtype_bytes(DType::kFp32, kDim * kDim));
  Json buffers = Json::array({
      {{"name", "hA"}, {"space", "hbm"}, {"bytes", ab}},
      {{"name", "cA"}, {"space", "csram"}, {"cluster", 0}, {"bytes", ab}},
      {{"name", "tA"}, {"space", "tsram"}, {"tiles", {"c0.t0"}}, {"offset", 0}, {"bytes", ab}},
      {{"name", "tB"}, {"space", "tsram"}, {"tiles", {"c0.t0"}}, {"offset", ab}, {"bytes", ab}},
      {{"name", "tC"}, {"space", "tsram"}, {"tiles", {"c0.t0"}}, {"offset", 2 * ab}, {"bytes", c}},
  });
  Json sems = Json::array({{{"name", "a_in_csram"}},
                           {{"name", "a_ready"}, {"init", 0}},
                           {{"name", "pinned"}, {"init", 2}, {"home", "c1"}},
                           {{"name", "gemm_done"}}});
  Json queues = Json::array({
      {{"engine", "c0.dma0"},
       {"instructions",
        {{{"op", "copy"}, {"src", "hA"}, {"dst", "cA"}, {"bytes", ab}, {"signal", {"a_in_csram"}}},
         {{"op", "copy"},
          {"src", "hA"},
          {"dst", "cA"},
          {"bytes", ab},
          {"wait", {"gemm_done"}},
          {"label", "second"}}}}},
      {{"engine", "c0.t0.dma"},
       {"instructions",
        {{{"op", "copy"},
          {"src", "cA"},
          {"dst", "tA"},
          {"bytes", ab},
          {"wait", {"a_in_csram"}},
          {"signal", {"a_ready"}}}}}},
      {{"engine", "c0.t0.ttu"},
       {"instructions",
        {{{"op", "gemm"},
          {"m", kDim},
          {"n", kDim},
          {"k", kDim},
          {"dtype", "fp8"},
          {"a", "tA"},
          {"b", "tB"},
          {"c", "tC"},
          {"wait", {{{"name", "a_ready"}, {"count", 1}}, {{"name", "pinned"}, {"count", 2}}}},
          {"signal", {"gemm_done"}}}}}},
  });
  (void)chip;
  return {{"name", "valid"}, {"buffers", buffers}, {"semaphores", sems}, {"queues", queues}};
}

std::string error_of(const Json& doc, const ChipConfig& chip = {}) {
  try {
    parse_program(doc, kFile, chip);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void expect_contains(const std::string& msg, const std::vector<std::string>& fragments) {
  EXPECT_FALSE(msg.empty()) << "expected an InputError";
  for (const auto& f : fragments)
    EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
}

// Index of the queue with engine `name` in the JSON document.
Json& queue_json(Json& doc, const std::string& name) {
  for (auto& q : doc["queues"])
    if (q["engine"] == name) return q;
  throw std::runtime_error("no queue " + name);
}

Json& gemm_json(Json& doc) { return queue_json(doc, "c0.t0.ttu")["instructions"][0]; }

// ---------------------------------------------------------------------------------------------

TEST(ProgramLoader, ValidProgramRoundTrips) {
  const ChipConfig chip;
  const Program p = parse_program(valid_program(chip), kFile, chip);
  EXPECT_EQ(p.name, "valid");
  EXPECT_EQ(p.source, kFile);
  ASSERT_EQ(p.buffers.size(), 5u);
  EXPECT_EQ(p.buffers[1].space, MemorySpace::kCsram);
  EXPECT_EQ(p.buffers[1].cluster, 0);
  EXPECT_EQ(p.buffers[3].offset, dtype_bytes(DType::kFp8, kDim * kDim));
  ASSERT_EQ(p.buffers[2].tiles.size(), 1u);
  EXPECT_EQ(p.buffers[2].tiles[0], (Location{Location::Kind::kTile, 0, 0}));

  ASSERT_EQ(p.queues.size(), 3u);
  EXPECT_EQ(p.queues[0].name, "c0.dma0");
  EXPECT_EQ(p.queues[0].engine, EngineKind::kClusterDma);
  EXPECT_EQ(p.queues[0].channel, 0);
  EXPECT_EQ(p.queues[0].instructions.size(), 2u);
  EXPECT_EQ(p.queues[1].name, "c0.t0.dma");
  EXPECT_EQ(p.queues[1].engine, EngineKind::kTileDma);
  EXPECT_EQ(p.queues[1].instructions.size(), 1u);
  EXPECT_EQ(p.queues[2].engine, EngineKind::kTtu);
  const Instruction& g = p.queues[2].instructions[0];
  EXPECT_EQ(g.op, OpCode::kGemm);
  EXPECT_EQ(g.m, kDim);
  EXPECT_EQ(g.a_dtype, DType::kFp8);
  EXPECT_EQ(g.b_dtype, DType::kFp8);
  EXPECT_EQ(g.c_dtype, DType::kFp32);  // default accumulator type
  ASSERT_EQ(g.waits.size(), 2u);
  EXPECT_EQ(g.waits[1].count, 2);
  EXPECT_NE(g.where.find(kFile), std::string::npos);
  EXPECT_NE(g.where.find("queues[2].instructions[0]"), std::string::npos);

  ASSERT_EQ(p.semaphores.size(), 4u);
  const Location c0t0{Location::Kind::kTile, 0, 0};
  const Location c0{Location::Kind::kCluster, 0, -1};
  // Homes default to the first waiter: a_in_csram waited by c0.t0.dma, gemm_done by c0.dma0.
  EXPECT_EQ(p.semaphores[0].home, c0t0);
  EXPECT_EQ(p.semaphores[1].home, c0t0);
  EXPECT_EQ(p.semaphores[2].home, (Location{Location::Kind::kCluster, 1, -1}));  // explicit home
  EXPECT_EQ(p.semaphores[3].home, c0);
  EXPECT_EQ(p.semaphores[2].initial, 2);
  EXPECT_EQ(p.semaphores[0].initial, 0);
}

TEST(ProgramLoader, BuilderProgramPassesTheSameValidation) {
  const ChipConfig chip;
  ProgramBuilder pb("built");
  const auto bytes = dtype_bytes(DType::kFp8, kDim * kDim);
  const int h = pb.add_buffer({"h", MemorySpace::kHbm, -1, {}, 0, bytes});
  const int c = pb.add_buffer({"c", MemorySpace::kCsram, 0, {}, 0, bytes});
  pb.append(pb.queue(ProgramBuilder::cluster(0), EngineKind::kClusterDma, 3),
            make_copy({h, 0}, {c, 0}, bytes));
  Program p = pb.build();
  EXPECT_NO_THROW(validate_program(p, chip));
  ASSERT_EQ(p.queues.size(), 1u);
  EXPECT_EQ(p.queues[0].name, "c0.dma3");
  // The same copy overrunning its destination is rejected.
  p.queues[0].instructions[0].bytes = bytes + 1;
  EXPECT_THROW(validate_program(p, chip), InputError);
}

TEST(ProgramLoader, UnknownOpSuggestsNearest) {
  Json doc = valid_program({});
  gemm_json(doc)["op"] = "gemn";
  expect_contains(error_of(doc), {kFile, "queues[2].instructions[0].op", "must be one of",
                                  "\"gemn\"", "did you mean 'gemm'"});
}

TEST(ProgramLoader, UnknownInstructionKeySuggestsNearest) {
  Json doc = valid_program({});
  gemm_json(doc)["lable"] = "x";
  expect_contains(error_of(doc), {kFile, "queues[2].instructions[0].lable", "unknown key",
                                  "did you mean 'label'"});
}

TEST(ProgramLoader, AtMostThreeWaits) {
  Json doc = valid_program({});
  for (const char* s : {"s1", "s2", "s3", "s4"}) doc["semaphores"].push_back({{"name", s}});
  gemm_json(doc)["wait"] = {"s1", "s2", "s3", "s4"};
  expect_contains(error_of(doc), {kFile, "queues[2].instructions[0].wait",
                                  "at most " + std::to_string(kMaxSemaphoreOps) + " semaphores"});
}

TEST(ProgramLoader, UndeclaredSemaphoreSuggestsNearest) {
  Json doc = valid_program({});
  gemm_json(doc)["signal"] = {"gemm_dnoe"};
  expect_contains(error_of(doc),
                  {kFile, "queues[2].instructions[0].signal[0]",
                   "undeclared semaphore \"gemm_dnoe\"", "did you mean 'gemm_done'"});
}

TEST(ProgramLoader, UndeclaredBufferSuggestsNearest) {
  Json doc = valid_program({});
  gemm_json(doc)["b"] = "tBB";
  expect_contains(error_of(doc), {kFile, "queues[2].instructions[0].b", "undeclared buffer \"tBB\"",
                                  "did you mean 'tB'"});
}

TEST(ProgramLoader, EngineMustExist) {
  const ChipConfig chip;
  {
    Json doc = valid_program(chip);
    queue_json(doc, "c0.t0.ttu")["engine"] = "c" + std::to_string(chip.clusters) + ".t0.ttu";
    expect_contains(error_of(doc), {kFile, "queues[2].engine", "cluster does not exist",
                                    "0.." + std::to_string(chip.clusters - 1)});
  }
  {
    Json doc = valid_program(chip);
    queue_json(doc, "c0.t0.ttu")["engine"] =
        "c0.t" + std::to_string(chip.enabled_tiles_per_cluster) + ".ttu";
    expect_contains(error_of(doc), {kFile, "queues[2].engine", "tile does not exist",
                                    "0.." + std::to_string(chip.enabled_tiles_per_cluster - 1)});
  }
  {
    Json doc = valid_program(chip);
    queue_json(doc, "c0.dma0")["engine"] = "c0.dma" + std::to_string(chip.cluster.dma_queues);
    expect_contains(error_of(doc), {kFile, "queues[0].engine", "cluster DMA queue does not exist",
                                    "0.." + std::to_string(chip.cluster.dma_queues - 1)});
  }
  {
    Json doc = valid_program(chip);
    queue_json(doc, "c0.dma0")["engine"] = "c0.npu";
    expect_contains(error_of(doc),
                    {kFile, "queues[0].engine", "must name an engine", "\"c0.npu\""});
  }
  // With fewer DMA queues configured, a queue index that is fine on Maia 200 is rejected.
  ChipConfig small;
  small.cluster.dma_queues = 1;
  Json doc = valid_program(small);
  queue_json(doc, "c0.dma0")["engine"] = "c0.dma1";
  expect_contains(error_of(doc, small), {"cluster DMA queue does not exist (queues 0..0)"});
}

TEST(ProgramLoader, OpMustSuitItsEngine) {
  Json doc = valid_program({});
  Json gemm = gemm_json(doc);
  gemm.erase("wait");
  gemm.erase("signal");
  queue_json(doc, "c0.dma0")["instructions"].push_back(gemm);
  expect_contains(error_of(doc), {kFile, "queues[0].instructions[2]", "gemm runs on a ttu queue",
                                  "not on c0.dma0"});
}

TEST(ProgramLoader, BufferMustFitItsMemory) {
  const ChipConfig chip;
  {
    Json doc = valid_program(chip);
    doc["buffers"].push_back({{"name", "huge"},
                              {"space", "tsram"},
                              {"tiles", {"c0.t1"}},
                              {"bytes", chip.tile.tsram.bytes + 1}});
    expect_contains(error_of(doc),
                    {kFile, "buffer 'huge'", "does not fit tsram",
                     std::to_string(chip.tile.tsram.bytes + 1) + " bytes",
                     "capacity " + std::to_string(chip.tile.tsram.bytes) + " bytes"});
  }
  {
    Json doc = valid_program(chip);
    const std::int64_t off = chip.cluster.csram.bytes - 100;
    doc["buffers"].push_back(
        {{"name", "tail"}, {"space", "csram"}, {"cluster", 1}, {"offset", off}, {"bytes", 101}});
    expect_contains(error_of(doc),
                    {kFile, "buffer 'tail'", "does not fit csram",
                     "offset " + std::to_string(off) + " + 101 bytes",
                     "capacity " + std::to_string(chip.cluster.csram.bytes) + " bytes"});
  }
  {
    // Exactly filling the memory is fine.
    Json doc = valid_program(chip);
    doc["buffers"].push_back({{"name", "full"},
                              {"space", "tsram"},
                              {"tiles", {"c0.t1"}},
                              {"bytes", chip.tile.tsram.bytes}});
    EXPECT_EQ(error_of(doc), "");
  }
}

TEST(ProgramLoader, OverlappingBuffersAreRejected) {
  const ChipConfig chip;
  const auto ab = static_cast<std::int64_t>(dtype_bytes(DType::kFp8, kDim * kDim));
  {
    Json doc = valid_program(chip);
    doc["buffers"][3]["offset"] = ab / 2;  // tB now starts inside tA
    expect_contains(
        error_of(doc),
        {kFile, "buffer 'tB' [" + std::to_string(ab / 2) + ", " + std::to_string(ab / 2 + ab) + ")",
         "overlaps buffer 'tA' [0, " + std::to_string(ab) + ")", "tsram"});
  }
  {
    // Same offsets in different tiles or different clusters' CSRAMs do not overlap.
    Json doc = valid_program(chip);
    doc["buffers"].push_back(
        {{"name", "other_tile"}, {"space", "tsram"}, {"tiles", {"c0.t1"}}, {"bytes", ab}});
    doc["buffers"].push_back(
        {{"name", "other_cluster"}, {"space", "csram"}, {"cluster", 1}, {"bytes", ab}});
    EXPECT_EQ(error_of(doc), "");
  }
  {
    Json doc = valid_program(chip);
    doc["buffers"].push_back({{"name", "hB"}, {"space", "hbm"}, {"offset", ab - 1}, {"bytes", 10}});
    expect_contains(error_of(doc), {"buffer 'hB'", "overlaps buffer 'hA'", "hbm"});
  }
}

TEST(ProgramLoader, OperandMustFitItsBuffer) {
  Json doc = valid_program({});
  gemm_json(doc)["k"] = 2 * kDim;  // A is now m x 2k
  const auto need = dtype_bytes(DType::kFp8, kDim * 2 * kDim);
  const auto have = dtype_bytes(DType::kFp8, kDim * kDim);
  expect_contains(error_of(doc),
                  {kFile, "queues[2].instructions[0]",
                   "a: needs " + std::to_string(need) + " bytes at offset 0 of buffer 'tA'",
                   "which has " + std::to_string(have) + " bytes"});
  // An offset into the buffer counts too.
  Json doc2 = valid_program({});
  gemm_json(doc2)["b"] = {{"buffer", "tB"}, {"offset", 1}};
  expect_contains(error_of(doc2),
                  {"b: needs " + std::to_string(have) + " bytes at offset 1 of buffer 'tB'"});
  // And a gemm operand must be in the engine's own TSRAM.
  Json doc3 = valid_program({});
  gemm_json(doc3)["a"] = "cA";
  expect_contains(error_of(doc3), {"a: buffer 'cA' is in csram", "needs it in tsram"});
}

TEST(ProgramLoader, MulticastStaysInItsCluster) {
  const auto ab = static_cast<std::int64_t>(dtype_bytes(DType::kFp8, kDim * kDim));
  Json doc = valid_program({});
  doc["buffers"].push_back(
      {{"name", "tM"}, {"space", "tsram"}, {"tiles", {"c0.t1", "c1.t1"}}, {"bytes", ab}});
  doc["queues"].push_back({{"engine", "c0.dma1"},
                           {"instructions",
                            {{{"op", "multicast"},
                              {"src", "cA"},
                              {"dst", "tM"},
                              {"bytes", ab},
                              {"tiles", {"c0.t1", "c1.t1"}}}}}});
  expect_contains(error_of(doc), {kFile, "queues[3].instructions[0].tiles",
                                  "multicast reaches tiles of its own cluster c0 only"});
  // The same multicast within cluster 0 is accepted.
  doc["queues"][3]["instructions"][0]["tiles"] = {"c0.t1"};
  EXPECT_EQ(error_of(doc), "");
}

TEST(ProgramLoader, TileDmaReachesOnlyItsClusterCsram) {
  const auto ab = static_cast<std::int64_t>(dtype_bytes(DType::kFp8, kDim * kDim));
  Json doc = valid_program({});
  doc["buffers"].push_back(
      {{"name", "t1"}, {"space", "tsram"}, {"tiles", {"c1.t0"}}, {"bytes", ab}});
  doc["queues"].push_back(
      {{"engine", "c1.t0.dma"},
       {"instructions", {{{"op", "copy"}, {"src", "cA"}, {"dst", "t1"}, {"bytes", ab}}}}});
  expect_contains(error_of(doc),
                  {kFile, "queues[3].instructions[0]",
                   "tile DMA moves data between its TSRAM and the CSRAM of its own cluster c1"});
}

TEST(ProgramLoader, SemaphoresFitTheHardware) {
  const ChipConfig chip;
  Json doc = valid_program(chip);
  for (std::int64_t i = 0; i <= chip.tile.semaphores; ++i)
    doc["semaphores"].push_back({{"name", fmt::format("s{}", i)}, {"home", "c2.t2"}});
  expect_contains(error_of(doc),
                  {kFile, "c2.t2", std::to_string(chip.tile.semaphores) + " hardware semaphores"});
}

TEST(ProgramLoader, DuplicatesAreRejected) {
  Json doc = valid_program({});
  doc["buffers"].push_back(doc["buffers"][0]);
  expect_contains(error_of(doc), {kFile, "buffers[5].name", "duplicate buffer name", "\"hA\""});
  Json doc2 = valid_program({});
  doc2["queues"].push_back({{"engine", "c0.t0.ttu"}, {"instructions", Json::array()}});
  expect_contains(error_of(doc2), {kFile, "queues[3].engine", "already declared"});
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
