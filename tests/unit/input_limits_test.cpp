// Hostile input, refused at the root (the hardening issue's defect classes): JSON that is too
// deep, duplicated or binary; arithmetic that would overflow 64 bits; work that could never
// finish; times beyond the simulator's range. Every case must end in a named InputError (or a
// SimulationError for a run that reaches the time limit), never a crash, a hang or a wrapped
// number. Expected values are written here from the rules, not taken from the code under test.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include <systemc>

#include "graph_checks.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/core/checked_math.hpp"
#include "maia/core/decimal.hpp"
#include "maia/core/dtype.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"
#include "maia/core/time.hpp"
#include "maia/serving/azure_trace.hpp"
#include "maia/serving/static_batch.hpp"
#include "maia/serving/trace_spec.hpp"
#include "maia/serving/trace_timestamp.hpp"
#include "maia/workload/capacity.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/operator.hpp"

namespace maia {
namespace {

const std::string kChip = std::string(MAIA_SOURCE_DIR) + "/configs/maia200.json";
const std::string kModels = std::string(MAIA_SOURCE_DIR) + "/configs/models";

using test::input_error;

// ---------------------------------------------------------------------------------------------
// JSON text: depth, duplicates, NUL bytes, ranges, bounded messages

TEST(JsonText, NestingBeyondTheLimitIsRefusedWithItsPosition) {
  const std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_NO_THROW(parse_json_text<nlohmann::json>(ok, "ok.json"));
  // 100,000 levels: would exhaust the stack of any recursive consumer.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string msg = input_error([&] { parse_json_text<nlohmann::json>(deep, "d.json"); });
  // The 65th '[' is the first too deep: line 1, column 65.
  EXPECT_NE(msg.find("d.json:1:65: invalid JSON: nested deeper than 64"), std::string::npos) << msg;
  // Brackets inside strings do not count.
  const std::string text = "{\"a\": \"" + std::string(1000, '[') + "\"}";
  EXPECT_NO_THROW(parse_json_text<nlohmann::json>(text, "s.json"));
}

TEST(JsonText, DuplicateKeysAreRefusedWithTheirPath) {
  const std::string msg = input_error([] {
    parse_json_text<nlohmann::json>(R"({"hbm": {"stacks": 6, "timing": [1, {"x": 1, "x": 2}]}})",
                                    "c.json");
  });
  EXPECT_NE(msg.find("c.json: hbm.timing[1]: duplicate key \"x\""), std::string::npos) << msg;
  EXPECT_NE(input_error([] {
              parse_json_text<nlohmann::json>(R"({"a":1,"a":1})", "t");
            }).find("t: (top level): duplicate key \"a\""),
            std::string::npos);
  // The same key in sibling objects is fine.
  EXPECT_NO_THROW(parse_json_text<nlohmann::json>(R"([{"a":1},{"a":2}])", "t"));
}

TEST(JsonText, NulBytesAndHugeNumbersAreRefused) {
  const std::string with_nul = std::string("{\"a\": 1}\n") + '\0' + "garbage";
  EXPECT_NE(input_error([&] {
              parse_json_text<nlohmann::json>(with_nul, "n.json");
            }).find("n.json:2:1: invalid JSON: a NUL byte"),
            std::string::npos);
  EXPECT_NE(input_error([] {
              parse_json_text<nlohmann::json>("[1e400]", "big");
            }).find("big: invalid JSON"),
            std::string::npos);
  EXPECT_NE(input_error([] {
              parse_json_text<nlohmann::json>("{\"a\": \xff}", "u");
            }).find("u:1:7: invalid JSON"),
            std::string::npos);
}

TEST(JsonText, MessagesNeverCarryAnUnboundedValue) {
  const nlohmann::json huge = std::string(1 << 20, 'x');
  EXPECT_LE(brief_json(huge).size(), kBriefChars);
  EXPECT_LE(brief_text(std::string(1 << 20, 'y')).size(), kBriefChars + 5);
  EXPECT_EQ(brief_plain("short"), "short");
}

TEST(ChipConfig, OverridesThatAreNotJsonAreRefusedNotTakenAsStrings) {
  const std::string msg =
      input_error([] { load_chip_config(kChip, {parse_override("hbm.stacks=1e400")}); });
  EXPECT_NE(msg.find("--set hbm.stacks=1e400: invalid JSON"), std::string::npos) << msg;
  EXPECT_NE(input_error([] {
              load_chip_config(kChip, {parse_override("gnoc.hbm_routers=[0,1")});
            }).find("invalid JSON"),
            std::string::npos);
  // String knobs still take bare words.
  EXPECT_EQ(load_chip_config(kChip, {parse_override("hbm.refresh_mode=all_bank")}).hbm.refresh_mode,
            "all_bank");
}

// ---------------------------------------------------------------------------------------------
// Checked arithmetic and strict numbers

TEST(CheckedMath, OverflowIsAnInputErrorNamingTheQuantity) {
  EXPECT_EQ(checked_mul(std::int64_t{3037000499}, std::int64_t{3037000499}, "x"),
            std::int64_t{9223372030926249001});
  EXPECT_NE(input_error([] {
              checked_mul(std::int64_t{3037000500}, std::int64_t{3037000500}, "KV bytes");
            }).find("KV bytes: "),
            std::string::npos);
  EXPECT_THROW(checked_add(std::uint64_t{1} << 63, std::uint64_t{1} << 63, "sum"), InputError);
  // Sizes are counted in bits first: 2^60 FP8 elements are 2^63 bits (2^60 bytes); 2^59 FP32
  // elements would be 2^64 bits, one past the range.
  EXPECT_EQ(dtype_bytes(DType::kFp8, std::uint64_t{1} << 60), std::uint64_t{1} << 60);
  EXPECT_THROW(dtype_bytes(DType::kFp32, std::uint64_t{1} << 59), InputError);
}

TEST(Decimal, OnlyPlainDecimalNumbers) {
  EXPECT_EQ(parse_decimal("16"), 16.0);
  EXPECT_EQ(parse_decimal("-2.5e3"), -2500.0);
  EXPECT_EQ(parse_decimal("+.5"), 0.5);
  for (const char* bad : {"0x10", "nan", "inf", " 1", "1 ", "", "-", "1e400", "1.2.3", "e5"})
    EXPECT_FALSE(parse_decimal(bad).has_value()) << bad;
  std::size_t end = 0;
  EXPECT_EQ(parse_decimal("64Mi", &end), 64.0);
  EXPECT_EQ(end, 2u);
}

// ---------------------------------------------------------------------------------------------
// Times: saturation at the simulator's range

TEST(Time, ConversionsSaturateInsteadOfWrapping) {
  // 2^53 cycles at 0.1 GHz are 2^53 x 10,000 ps ~ 9e19 ps: beyond int64, so kNever.
  EXPECT_EQ(cycles_to_ps(std::ldexp(1.0, 53), 0.1), kNever);
  EXPECT_EQ(transfer_ps(1e30, 1.0), kNever);
  EXPECT_EQ(ns_to_ps(std::numeric_limits<double>::quiet_NaN()), kNever);
  // In range: exact closed forms.
  EXPECT_EQ(cycles_to_ps(3, 2.0), 1500);
  EXPECT_EQ(transfer_ps(1000, 3.0), 333334);  // ceil(1e6 / 3)
}

// ---------------------------------------------------------------------------------------------
// Whole-chip limits: one validation for `config --check` and the simulator

TEST(ChipConfig, ProductsOfInRangeKnobsBeyondTheLimitsAreRefused) {
  // 256 clusters x 256 tiles: each knob in range, 65,536 tiles in all.
  const std::string tiles = input_error([] {
    load_chip_config(kChip,
                     {parse_override("clusters=256"), parse_override("tiles_per_cluster=256"),
                      parse_override("enabled_tiles_per_cluster=1")});
  });
  EXPECT_NE(tiles.find("must be <= 1024 tiles"), std::string::npos) << tiles;
  // 64 stacks x 64 channels x 8 pseudo-channels = 32,768 pseudo-channels.
  const std::string pcs = input_error([] {
    load_chip_config(kChip,
                     {parse_override("hbm.stacks=64"), parse_override("hbm.channels_per_stack=64"),
                      parse_override("hbm.pseudo_channels=8")});
  });
  EXPECT_NE(pcs.find("must be <= 4096 pseudo-channels"), std::string::npos) << pcs;
  // The default chip: 192 PCs x 48 banks = 9,216 banks of 24,576 rows of 1 KiB = 216 GiB.
  // 2^24-row banks of 64 KiB rows make it 9,216 x 2^24 x 2^16 = 1.0e16 > 2^50 = 1.1e15 bytes;
  // 2^24 rows of 1 KiB (1.6e14) are still inside.
  EXPECT_NO_THROW(load_chip_config(kChip, {parse_override("hbm.rows_per_bank=16777216")}));
  const std::string cap = input_error([] {
    load_chip_config(kChip, {parse_override("hbm.rows_per_bank=16777216"),
                             parse_override("hbm.row_bytes=65536")});
  });
  EXPECT_NE(cap.find("bytes of HBM"), std::string::npos) << cap;
  EXPECT_NO_THROW(load_chip_config(kChip, {}));
}

// ---------------------------------------------------------------------------------------------
// Models, operators and batches: work that could never finish, sizes that would overflow

TEST(ModelScale, AModelWhoseWeightsWouldOverflowIsRefused) {
  nlohmann::json doc = parse_json_file(kModels + "/llama-3.1-8b.json");
  doc["hidden_size"] = 2000000000;  // in range alone; 2e9^2 x 2 x 32 layers ~ 2.6e20 params
  doc["head_dim"] = 128;
  const std::string msg = input_error([&] { parse_model_config(doc, "big.json", "big"); });
  EXPECT_NE(msg.find("big.json: the model has about"), std::string::npos) << msg;
}

TEST(OperatorScale, HugeShapesAreRefusedBeforeAnyCostIsComputed) {
  GemmShape g{1 << 21, 1 << 21, 1 << 21, DType::kFp8, DType::kFp8, DType::kBf16};
  EXPECT_NE(input_error([&] { check_operator_scale(g, "op"); }).find("GEMM 2097152x2097152"),
            std::string::npos);
  GemmShape fits{32768, 32768, 32768, DType::kFp8, DType::kFp8, DType::kBf16};  // 2^45 MACs
  EXPECT_NO_THROW(check_operator_scale(fits, "op"));  // 1024 x 1024 x 128 = 2^27 blocks
  // Thin or deep GEMMs: few multiply-adds, but 2^35 or 2^32 blocks of 32x32x256 to simulate.
  GemmShape tall{std::int64_t{1} << 40, 1, 1, DType::kFp8, DType::kFp8, DType::kBf16};
  EXPECT_NE(input_error([&] { check_operator_scale(tall, "op"); }).find("blocks of 32x32x256"),
            std::string::npos);
  GemmShape deep{32, 32, std::int64_t{1} << 40, DType::kFp8, DType::kFp8, DType::kBf16};
  EXPECT_THROW(check_operator_scale(deep, "op"), InputError);
  AttentionShape a;
  a.heads = 8;
  a.kv_heads = 8;
  a.head_dim = 128;
  a.sequences.assign(100000, AttentionSequence{1, 16});
  EXPECT_NE(input_error([&] { check_operator_scale(a, "attn"); }).find("100000 sequences"),
            std::string::npos);
  a.sequences.assign(1, AttentionSequence{std::int64_t{1} << 40, std::int64_t{1} << 40});
  EXPECT_NE(input_error([&] { check_operator_scale(a, "attn"); }).find("multiply-adds"),
            std::string::npos);
  // Decode over 2^28 keys with 8 KV heads: 2^31 key reads, beyond 2^30.
  a.sequences.assign(1, AttentionSequence{1, std::int64_t{1} << 28});
  EXPECT_NE(input_error([&] { check_operator_scale(a, "attn"); }).find("keys"), std::string::npos);
  // A 128k-token prefill of one sequence (Llama-3.1's context): 2 x 2^34 x 8 x 128 = 2^45.
  a.sequences.assign(1, AttentionSequence{131072, 131072});
  EXPECT_NO_THROW(check_operator_scale(a, "attn"));
}

TEST(BatchLimits, TokenCountsThatWouldOverflowAreRefused) {
  const ModelConfig m = load_model("llama-3.1-8b", kModels);
  const Quantization q;
  // INT64_MAX output tokens: prompt + gen overflows; refused, not wrapped.
  StaticBatchSpec spec;
  spec.batch = 1;
  spec.prompt = 16;
  spec.gen = std::numeric_limits<std::int64_t>::max();
  EXPECT_NE(input_error([&] { validate_static_batch(spec); }).find("--prompt + --gen"),
            std::string::npos);
  // Beyond the model's positions (131,072 for Llama-3.1).
  spec.gen = 131072;
  EXPECT_NE(input_error([&] {
              check_static_batch_capacity(m, q, spec, 1ull << 40);
            }).find("max_position_embeddings (131072)"),
            std::string::npos);
  // A context near the per-sequence limit: the KV bytes are computed with checked arithmetic.
  EXPECT_THROW(kv_cache_bytes(m, DType::kFp8, {Sequence{std::int64_t{1} << 62, 1, true}}),
               InputError);
}

// ---------------------------------------------------------------------------------------------
// Traces: timestamps far apart, arrivals beyond the range, empty traces

TEST(TraceLimits, TimestampsBeforeTheEpochAreRefused) {
  std::string why;
  EXPECT_FALSE(parse_trace_timestamp_ns("1900-01-01 00:00:00", &why).has_value());
  EXPECT_EQ(why, "year must be 1970-2199");
  // 2199-12-31 23:59:59 is 7,258,118,399 s after the epoch (Python's calendar.timegm): fits in
  // int64 nanoseconds.
  EXPECT_EQ(parse_trace_timestamp_ns("2199-12-31 23:59:59", &why),
            std::int64_t{7258118399} * 1000000000);
}

TEST(TraceLimits, ArrivalsBeyondAYearAndEmptyTracesAreRefused) {
  // Two requests 100 years apart.
  std::istringstream in(
      "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n"
      "2123-11-16 18:15:46.6805900,374,44\n");
  LoadedTrace t = read_azure_trace(in, "far.csv", false);
  TraceSpec spec;
  spec.file = "far.csv";
  EXPECT_NE(
      input_error([&] { apply_trace_options(t.requests, spec); }).find("within 3.16224e+07 s"),
      std::string::npos);
  // A time scale that pushes arrivals to infinity.
  std::istringstream near(
      "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n"
      "2023-11-16 18:15:47.6805900,374,44\n");
  LoadedTrace n = read_azure_trace(near, "near.csv", false);
  spec.time_scale = 1e-300;
  EXPECT_NE(input_error([&] { apply_trace_options(n.requests, spec); }).find("arrives at 1e+300 s"),
            std::string::npos);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
