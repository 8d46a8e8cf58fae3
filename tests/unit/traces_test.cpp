// Request traces: the Azure and Mooncake readers on the shipped files and on hand-made rows
// (every malformed-row class), the synthetic generators' statistics and determinism, and the
// options common to all traces.
#include <systemc>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "log_capture.hpp"
#include "maia/core/error.hpp"
#include "maia/serving/azure_trace.hpp"
#include "maia/serving/length_table.hpp"
#include "maia/serving/mooncake_trace.hpp"
#include "maia/serving/portable_math.hpp"
#include "maia/serving/portable_random.hpp"
#include "maia/serving/trace_spec.hpp"
#include "maia/serving/trace_timestamp.hpp"

namespace maia {
namespace {

const std::string kTraces = std::string(MAIA_SOURCE_DIR) + "/traces/";
const std::string kConv = kTraces + "AzureLLMInferenceTrace_conv.csv";
const std::string kCode = kTraces + "AzureLLMInferenceTrace_code.csv";
const std::string kMooncake = kTraces + "mooncake_synthetic_trace.jsonl";
const std::string kShareGpt = kTraces + "sharegpt_8k_filtered_stats_llama2_tokenizer.csv";
const std::string kHeader = "TIMESTAMP,ContextTokens,GeneratedTokens\n";

std::string read_all(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Lines of a file, counting a last line without a final newline.
std::vector<std::string> lines_of(const std::string& file) {
  std::vector<std::string> lines;
  std::istringstream in(read_all(file));
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

LoadedTrace azure(const std::string& text, bool skip = false) {
  std::istringstream in(text);
  return read_azure_trace(in, "x.csv", skip);
}

LoadedTrace mooncake(const std::string& text, bool skip = false) {
  std::istringstream in(text);
  return read_mooncake_trace(in, "m.jsonl", skip);
}

// The message of the InputError `f` throws ("" if none).
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// Seconds into the day of an Azure timestamp, parsed independently of the library.
double seconds_of_day(const std::string& row) {
  const std::string t = row.substr(11, row.find(',') - 11);  // hh:mm:ss.fffffff
  return std::stoi(t.substr(0, 2)) * 3600.0 + std::stoi(t.substr(3, 2)) * 60.0 +
         std::stod(t.substr(6));
}

// ---------------------------------------------------------------------------- Azure, shipped

TEST(AzureTrace, ShippedConversationTraceLoadsEveryRow) {
  const auto lines = lines_of(kConv);
  ASSERT_GT(lines.size(), 2u);
  const std::size_t rows = lines.size() - 1;  // minus the header
  const LoadedTrace t = read_azure_trace_file(kConv, false);
  ASSERT_EQ(t.requests.size(), rows);
  EXPECT_EQ(t.skipped_rows, 0);
  EXPECT_EQ(t.requests.front().arrival_s, 0.0);
  EXPECT_EQ(t.requests.front().input_tokens, 374);
  EXPECT_EQ(t.requests.front().output_tokens, 44);
  for (std::size_t i = 0; i < rows; ++i) {
    EXPECT_EQ(t.requests[i].id, i);
    if (i > 0) {
      ASSERT_LE(t.requests[i - 1].arrival_s, t.requests[i].arrival_s) << i;
    }
  }
  // Both ends are on 2023-11-16: the span from the file's own first and last timestamps.
  const double span = seconds_of_day(lines.back()) - seconds_of_day(lines[1]);
  EXPECT_NEAR(t.requests.back().arrival_s, span, 1e-6);
  EXPECT_NEAR(span / 60, 58.0, 0.5);
  EXPECT_EQ(t.requests.back().input_tokens, 197);  // the last row, which has no final newline
  EXPECT_EQ(t.requests.back().output_tokens, 183);
}

TEST(AzureTrace, ShippedCodeTraceLoadsThroughTheFrontDoor) {
  TraceSpec spec;
  spec.file = kCode;  // kind from the extension
  EXPECT_EQ(trace_kind(spec), "azure");
  const auto requests = load_requests(spec);
  EXPECT_EQ(requests.size(), lines_of(kCode).size() - 1);
  EXPECT_EQ(requests.front().input_tokens, 4808);
}

// ------------------------------------------------------------------------------- timestamps

TEST(TraceTimestamp, ParsesExactlyToNanoseconds) {
  // 2023-11-16 00:00:00 is 1,700,092,800 s after 1970-01-01 00:00:00.
  const std::int64_t day = 1'700'092'800LL * 1'000'000'000;
  EXPECT_EQ(parse_trace_timestamp_ns("2023-11-16 18:15:46.6805900"),
            day + (18 * 3600 + 15 * 60 + 46) * 1'000'000'000LL + 680'590'000);
  EXPECT_EQ(parse_trace_timestamp_ns("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(parse_trace_timestamp_ns("1970-01-01T00:00:01.5"), 1'500'000'000);
  EXPECT_EQ(parse_trace_timestamp_ns("1970-01-01 00:00:00.123456789"), 123'456'789);
  EXPECT_EQ(parse_trace_timestamp_ns("1970-01-01 00:00:00.0000001"), 100);
  // Before the epoch: refused, so that differences of timestamps never overflow.
  EXPECT_EQ(parse_trace_timestamp_ns("1969-12-31 23:59:59"), std::nullopt);
}

TEST(TraceTimestamp, CrossesDayMonthAndYearBoundaries) {
  const auto a = parse_trace_timestamp_ns("2023-12-31 23:59:59.9999999");
  const auto b = parse_trace_timestamp_ns("2024-01-01 00:00:00.0000001");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*b - *a, 200);
  const auto feb28 = parse_trace_timestamp_ns("2024-02-28 12:00:00");
  const auto mar01 = parse_trace_timestamp_ns("2024-03-01 12:00:00");  // 2024 is a leap year
  EXPECT_EQ(*mar01 - *feb28, 2 * 86400 * 1'000'000'000LL);
  EXPECT_TRUE(parse_trace_timestamp_ns("2000-02-29 00:00:00"));
}

TEST(TraceTimestamp, RejectsMalformedTimestampsWithTheRule) {
  std::string why;
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-02-29 00:00:00", &why));
  EXPECT_EQ(why, "day must exist in the month");
  EXPECT_FALSE(parse_trace_timestamp_ns("1900-02-29 00:00:00", &why));
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-13-01 00:00:00", &why));
  EXPECT_EQ(why, "month must be 01-12");
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-11-16 24:00:00", &why));
  EXPECT_EQ(why, "hour must be 00-23");
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-11-16 18:60:00", &why));
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-11-16 18:00:60", &why));
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-11-16 18:00:00.", &why));
  EXPECT_EQ(why, "fraction must be '.' and 1-9 digits");
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-11-16 18:00:00.1234567890", &why));
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-11-16 18:00:00.12a", &why));
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-11-16 18:00:00 ", &why));
  EXPECT_FALSE(parse_trace_timestamp_ns("2023-11-16", &why));
  EXPECT_EQ(why, "layout must be YYYY-MM-DD hh:mm:ss[.fraction]");
  EXPECT_FALSE(parse_trace_timestamp_ns("2023/11/16 18:00:00", &why));
  EXPECT_FALSE(parse_trace_timestamp_ns("", &why));
}

// --------------------------------------------------------------------------- Azure, rows

TEST(AzureTrace, ArrivalsAreExactDifferencesFromTheEarliestRow) {
  const LoadedTrace t = azure(kHeader +
                              "2023-11-16 18:15:46.6805900,374,44\n"
                              "2023-11-16 18:15:50.9951690,396,109\n"
                              "2023-11-16 23:59:59.9999999,5,6\n"
                              "2023-11-17 00:00:00.0000001,7,8\n");
  ASSERT_EQ(t.requests.size(), 4u);
  EXPECT_EQ(t.requests[0].arrival_s, 0.0);
  EXPECT_EQ(t.requests[1].arrival_s, 4.314579);
  // Each arrival is the exact nanosecond difference rounded once to double.
  EXPECT_EQ(t.requests[2].arrival_s, 20653.3194099);
  EXPECT_EQ(t.requests[3].arrival_s, 20653.3194101);
}

TEST(AzureTrace, HandlesNoFinalNewlineCrlfAndBlankLines) {
  const auto a =
      azure(kHeader + "2023-11-16 18:00:00.0000000,1,2\n2023-11-16 18:00:01.0000000,3,4");
  ASSERT_EQ(a.requests.size(), 2u);
  EXPECT_EQ(a.requests[1].input_tokens, 3);
  EXPECT_EQ(a.requests[1].output_tokens, 4);
  const auto b = azure(
      "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:00:00.5,1,2\r\n\r\n"
      "2023-11-16 18:00:01,3,4\r\n\n");
  ASSERT_EQ(b.requests.size(), 2u);
  EXPECT_EQ(b.requests[1].arrival_s, 0.5);
  EXPECT_TRUE(azure(kHeader).requests.empty());
  EXPECT_TRUE(azure("TIMESTAMP,ContextTokens,GeneratedTokens").requests.empty());
}

TEST(AzureTrace, AcceptsQuotedFields) {
  // RFC 4180 quoting (maia/core/csv.hpp): a quoted header, quoted numbers, doubled quotes.
  const auto t = azure(
      "\"TIMESTAMP\",\"ContextTokens\",GeneratedTokens\n"
      "\"2023-11-16 18:00:00\",\"17\",2\n"
      "2023-11-16 18:00:01,5,\"9\"\n");
  ASSERT_EQ(t.requests.size(), 2u);
  EXPECT_EQ(t.requests[0].input_tokens, 17);
  EXPECT_EQ(t.requests[1].output_tokens, 9);
  EXPECT_EQ(t.requests[1].arrival_s, 1.0);
  // A quoted comma is one field, so the row has 3 columns and fails on its value instead.
  EXPECT_EQ(error_of([] { azure(kHeader + "2023-11-16 18:00:00,\"1,5\",2\n"); }),
            "x.csv:2: ContextTokens: must be an integer >= 1, got \"1,5\"");
  EXPECT_EQ(error_of([] { azure(kHeader + "2023-11-16 18:00:00,1,2\n\"2023-11-16,3,4\n"); }),
            "x.csv:3: unterminated quoted field (no closing '\"' before the end of the file)");
}

TEST(AzureTrace, SortsStablyByArrival) {
  const auto t = azure(kHeader +
                       "2023-11-16 18:00:02,1,1\n"
                       "2023-11-16 18:00:01,2,2\n"
                       "2023-11-16 18:00:02,3,3\n"
                       "2023-11-16 18:00:01,4,4\n");
  ASSERT_EQ(t.requests.size(), 4u);
  const std::int64_t expected[] = {2, 4, 1, 3};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(t.requests[i].input_tokens, expected[i]);
    EXPECT_EQ(t.requests[i].id, static_cast<std::uint64_t>(i));
  }
  EXPECT_EQ(t.requests[0].arrival_s, 0.0);
  EXPECT_EQ(t.requests[3].arrival_s, 1.0);
}

TEST(AzureTrace, BadHeaderIsAnErrorWithLineOne) {
  EXPECT_EQ(error_of([] { azure("TIMESTAMP,ContextToken,GeneratedTokens\n"); }),
            "x.csv:1: header: column 2 must be \"ContextTokens\", got \"ContextToken\" (did you "
            "mean 'ContextTokens'?)");
  EXPECT_EQ(error_of([] { azure("TIMESTAMP,ContextTokens\n"); }),
            "x.csv:1: header: must be \"TIMESTAMP,ContextTokens,GeneratedTokens\", got "
            "\"TIMESTAMP,ContextTokens\"");
  EXPECT_NE(error_of([] { azure(""); }).find("x.csv:1: header:"), std::string::npos);
  // A data row where the header should be: the header is never skipped.
  EXPECT_NE(error_of([] { azure("2023-11-16 18:00:00,1,2\n", true); }).find("x.csv:1: header:"),
            std::string::npos);
}

// Each malformed-row class, at line 3, with the message it must give.
struct BadRow {
  std::string row;
  std::string message;
};

const std::vector<BadRow>& bad_rows() {
  static const std::vector<BadRow> rows = {
      {"2023-11-16 18:00:01,5",
       "x.csv:3: row: must have 3 comma-separated columns "
       "(TIMESTAMP,ContextTokens,GeneratedTokens), got 2: "
       "\"2023-11-16 18:00:01,5\""},
      {"2023-11-16 18:00:01,5,6,",
       "x.csv:3: row: must have 3 comma-separated columns "
       "(TIMESTAMP,ContextTokens,GeneratedTokens), got 4: "
       "\"2023-11-16 18:00:01,5,6,\""},
      {"2023-11-16 18:00:01,abc,6", "x.csv:3: ContextTokens: must be an integer >= 1, got \"abc\""},
      {"2023-11-16 18:00:01,5,6.5",
       "x.csv:3: GeneratedTokens: must be an integer >= 1, got \"6.5\""},
      {"2023-11-16 18:00:01, 5,6", "x.csv:3: ContextTokens: must be an integer >= 1, got \" 5\""},
      {"2023-11-16 18:00:01,0,6", "x.csv:3: ContextTokens: must be an integer >= 1, got \"0\""},
      {"2023-11-16 18:00:01,5,-3", "x.csv:3: GeneratedTokens: must be an integer >= 1, got \"-3\""},
      {"2023-11-16 18:00:01,99999999999999999999,6",
       "x.csv:3: ContextTokens: must be an integer >= 1, got \"99999999999999999999\""},
      {"2023-13-16 18:00:01,5,6",
       "x.csv:3: TIMESTAMP: must be a time YYYY-MM-DD hh:mm:ss.fffffff (month must be 01-12), got "
       "\"2023-13-16 18:00:01\""},
      {"yesterday,5,6",
       "x.csv:3: TIMESTAMP: must be a time YYYY-MM-DD hh:mm:ss.fffffff (layout must be "
       "YYYY-MM-DD hh:mm:ss[.fraction]), got \"yesterday\""},
  };
  return rows;
}

TEST(AzureTrace, EveryMalformedRowClassIsAnErrorWithFileAndLine) {
  for (const auto& bad : bad_rows()) {
    const std::string text = kHeader + "2023-11-16 18:00:00,1,2\n" + bad.row + "\n";
    EXPECT_EQ(error_of([&] { azure(text); }), bad.message) << bad.row;
  }
}

TEST(AzureTrace, SkipBadRowsCountsEveryMalformedRow) {
  std::string text = kHeader + "2023-11-16 18:00:00,1,2\n";
  for (const auto& bad : bad_rows()) text += bad.row + "\n";
  text += "2023-11-16 18:00:09,3,4";
  const LoadedTrace t = azure(text, true);
  ASSERT_EQ(t.requests.size(), 2u);
  EXPECT_EQ(t.requests[1].arrival_s, 9.0);
  EXPECT_EQ(t.skipped_rows, static_cast<std::int64_t>(bad_rows().size()));
  ASSERT_EQ(t.skipped.size(), LoadedTrace::kKeptMessages);
  EXPECT_EQ(t.skipped[0], bad_rows()[0].message);
  EXPECT_NE(t.skipped[1].find("x.csv:4: row:"), std::string::npos);
}

TEST(AzureTrace, FrontDoorReportsSkippedRows) {
  const std::string file = testing::TempDir() + "traces_test_bad.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << kHeader << "2023-11-16 18:00:00,1,2\n2023-11-16 18:00:01,x,2\n2023-11-16 18:00:02,3,4";
  }
  TraceSpec spec;
  spec.file = file;
  EXPECT_NE(error_of([&] { load_requests(spec); }).find(file + ":3: ContextTokens:"),
            std::string::npos);
  spec.skip_bad_rows = true;
  LogCapture log;
  const auto requests = load_requests(spec);
  EXPECT_EQ(requests.size(), 2u);
  EXPECT_EQ(log.text(), "warning: " + file + ": skipped 1 malformed row(s); first: " + file +
                            ":3: ContextTokens: must be an integer >= 1, got \"x\"\n");
  EXPECT_EQ(load_trace(spec).skipped_rows, 1);
  std::remove(file.c_str());
}

TEST(AzureTrace, MissingFileIsAnError) {
  EXPECT_EQ(error_of([] { read_azure_trace_file("/nonexistent/t.csv", false); }),
            "/nonexistent/t.csv: cannot open file");
}

// ---------------------------------------------------------------------------------- Mooncake

TEST(MooncakeTrace, ParsesLengthsArrivalsAndHashIds) {
  const LoadedTrace t = mooncake(
      "{\"timestamp\": 1500, \"input_length\": 1000, \"output_length\": 7, \"hash_ids\": [0, 1]}\n"
      "{\"timestamp\": 500, \"input_length\": 600, \"output_length\": 3, \"hash_ids\": [0, "
      "18446744073709551615]}\n"
      "\n"
      "{\"timestamp\": 2001, \"input_length\": 10, \"output_length\": 1}");
  ASSERT_EQ(t.requests.size(), 3u);
  EXPECT_EQ(t.requests[0].arrival_s, 0.0);  // the earliest (line 2) comes first
  EXPECT_EQ(t.requests[0].input_tokens, 600);
  EXPECT_EQ(t.requests[0].prefix_blocks, (std::vector<std::uint64_t>{0, 18446744073709551615ULL}));
  EXPECT_EQ(t.requests[1].arrival_s, 1.0);
  EXPECT_EQ(t.requests[1].prefix_blocks, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(t.requests[1].output_tokens, 7);
  EXPECT_EQ(t.requests[2].arrival_s, 1.501);
  EXPECT_TRUE(t.requests[2].prefix_blocks.empty());
  EXPECT_EQ(t.requests[2].id, 2u);
}

TEST(MooncakeTrace, MalformedLinesAreErrorsWithFileAndLineOrCounted) {
  const std::string good = "{\"timestamp\": 0, \"input_length\": 1, \"output_length\": 1}\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"timestamp\": 5, \"input_length\": 1", "m.jsonl:2:35: invalid JSON:"},
      {"[1, 2]", "m.jsonl:2: (top level): must be a JSON object, got [1,2]"},
      {"{\"timestamp\": 5, \"output_length\": 1}", "m.jsonl:2: input_length: is required"},
      {"{\"timestamp\": 5, \"input_length\": \"9\", \"output_length\": 1}",
       "m.jsonl:2: input_length: must be an integer, got \"9\""},
      {"{\"timestamp\": 5, \"input_length\": 0, \"output_length\": 1}",
       "m.jsonl:2: input_length: must be >= 1, got 0"},
      {"{\"timestamp\": -5, \"input_length\": 1, \"output_length\": 1}",
       "m.jsonl:2: timestamp: must be a number of milliseconds >= 0, got -5"},
      {"{\"timestamp\": 5, \"input_length\": 1, \"output_length\": 1, \"hash_ids\": [1, -2]}",
       "m.jsonl:2: hash_ids[1]: must be an integer >= 0, got -2"},
      {"{\"timestamp\": 5, \"input_length\": 1, \"output_length\": 1, \"hash_id\": [1]}",
       "m.jsonl:2: hash_id: unknown key (did you mean 'hash_ids'?)"},
  };
  std::string all = good;
  for (const auto& [line, message] : cases) {
    const std::string error = error_of([&] { mooncake(good + line + "\n"); });
    EXPECT_EQ(error.rfind(message, 0), 0u) << error;
    all += line + "\n";
  }
  all += good;
  const LoadedTrace t = mooncake(all, true);
  EXPECT_EQ(t.requests.size(), 2u);
  EXPECT_EQ(t.skipped_rows, static_cast<std::int64_t>(cases.size()));
}

TEST(MooncakeTrace, ShippedTraceLoads) {
  const auto lines = lines_of(kMooncake);
  TraceSpec spec;
  spec.file = kMooncake;
  EXPECT_EQ(trace_kind(spec), "mooncake");
  const auto requests = load_requests(spec);
  ASSERT_EQ(requests.size(), lines.size());
  EXPECT_EQ(requests.front().arrival_s, 0.0);
  EXPECT_EQ(requests.front().input_tokens, 40160);
  EXPECT_EQ(requests.front().prefix_blocks.size(), 79u);
  EXPECT_EQ(requests.front().prefix_blocks[78], 78u);
  EXPECT_EQ(requests.back().arrival_s, 1022.025);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    // One hash per started 512-token block, in this trace.
    ASSERT_EQ(requests[i].prefix_blocks.size(),
              static_cast<std::size_t>((requests[i].input_tokens + 511) / 512))
        << i;
    if (i > 0) {
      ASSERT_LE(requests[i - 1].arrival_s, requests[i].arrival_s);
    }
  }
}

// ----------------------------------------------------------------------------- synthetic

TraceSpec synthetic(const std::string& arrival, double rate, std::int64_t n,
                    std::uint64_t seed = 7) {
  TraceSpec spec;
  spec.kind = "synthetic";
  spec.max_requests = n;
  spec.synthetic.arrival = arrival;
  spec.synthetic.rate = rate;
  spec.synthetic.seed = seed;
  return spec;
}

struct GapStats {
  double mean = 0;
  double cv = 0;
  std::size_t n = 0;
};

GapStats gap_stats(const std::vector<Request>& r) {
  GapStats s;
  s.n = r.size() - 1;
  double sum = 0, sum2 = 0;
  for (std::size_t i = 1; i < r.size(); ++i) {
    const double g = r[i].arrival_s - r[i - 1].arrival_s;
    EXPECT_GE(g, 0.0);
    sum += g;
    sum2 += g * g;
  }
  s.mean = sum / s.n;
  s.cv = std::sqrt(sum2 / s.n - s.mean * s.mean) / s.mean;
  return s;
}

TEST(SyntheticTrace, PoissonMeanInterArrivalIsOneOverRate) {
  const double rate = 5.0;
  for (std::uint64_t seed : {1, 2, 3}) {
    const auto r = load_requests(synthetic("poisson", rate, 20000, seed));
    ASSERT_EQ(r.size(), 20000u);
    EXPECT_EQ(r.front().arrival_s, 0.0);
    const GapStats s = gap_stats(r);
    const double se = (1 / rate) / std::sqrt(static_cast<double>(s.n));  // exponential: sd = mean
    EXPECT_NEAR(s.mean, 1 / rate, 3 * se) << seed;
    EXPECT_NEAR(s.cv, 1.0, 0.05) << seed;
  }
}

TEST(SyntheticTrace, BurstArrivesAllAtOnceAndNeedsACount) {
  SyntheticSpec s;
  s.arrival = "burst";
  s.rate = -1;  // not read by a burst
  const auto reqs = generate_synthetic_trace(s, 7, 0, 1);
  ASSERT_EQ(reqs.size(), 7u);
  for (const auto& r : reqs) EXPECT_EQ(r.arrival_s, 0.0);
  EXPECT_THROW(generate_synthetic_trace(s, 0, 10, 1), InputError);  // a duration is no count
}

TEST(SyntheticTrace, GammaShapeSetsTheCoefficientOfVariation) {
  const double rate = 2.0;
  for (double k : {0.25, 1.0, 4.0}) {
    TraceSpec spec = synthetic("gamma", rate, 20000);
    spec.synthetic.gamma_shape = k;
    const GapStats s = gap_stats(load_requests(spec));
    const double cv = 1 / std::sqrt(k);
    EXPECT_NEAR(s.mean, 1 / rate, 3 * cv * (1 / rate) / std::sqrt(static_cast<double>(s.n))) << k;
    EXPECT_NEAR(s.cv, cv, 0.08 * cv) << k;
  }
}

TEST(SyntheticTrace, SameSeedIsIdenticalOtherSeedDiffers) {
  for (const std::string arrival : {"poisson", "gamma"}) {
    TraceSpec spec = synthetic(arrival, 3.0, 500, 11);
    spec.synthetic.gamma_shape = 0.5;
    spec.synthetic.lengths = "uniform";
    const auto a = load_requests(spec);
    const auto b = load_requests(spec);
    spec.synthetic.seed = 12;
    const auto c = load_requests(spec);
    ASSERT_EQ(a.size(), b.size());
    bool any_difference = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].arrival_s, b[i].arrival_s);
      EXPECT_EQ(a[i].input_tokens, b[i].input_tokens);
      EXPECT_EQ(a[i].output_tokens, b[i].output_tokens);
      any_difference |= a[i].arrival_s != c[i].arrival_s || a[i].input_tokens != c[i].input_tokens;
    }
    EXPECT_TRUE(any_difference) << arrival;
  }
}

TEST(SyntheticTrace, GoldenValuesPinTheGeneratorsOnEveryPlatform) {
  // std::mt19937_64's 10000th output is fixed by the C++ standard.
  std::mt19937_64 gen(5489);
  gen.discard(9999);
  EXPECT_EQ(gen(), 9981545732273789042ULL);
  // Our variates: exact bits, computed once with this code (IEEE-754 double, no FMA).
  PortableRandom rng(42);
  EXPECT_EQ(rng.uniform(), 0x1.82a3befaddcbcp-1);
  EXPECT_EQ(rng.exponential(2.0), 0x1.04dad7f4d36f4p-1);
  EXPECT_EQ(rng.normal(), 0x1.978762f4a05dcp-2);
  EXPECT_EQ(rng.gamma(0.5, 1.0), 0x1.0e47da09900a2p+0);
  EXPECT_EQ(rng.gamma(3.0, 2.0), 0x1.18c4bc61f34a1p+2);
  EXPECT_EQ(rng.uniform_int(1, 1000), 407);
}

TEST(SyntheticTrace, PortableMathMatchesTheStandardLibrary) {
  for (double x = 1e-300; x < 1e300; x *= 1.37) {
    EXPECT_NEAR(portable_log(x), std::log(x), 4e-16 * std::max(1.0, std::fabs(std::log(x)))) << x;
  }
  for (double x = 1e-6; x < 1.0; x += 0.001) EXPECT_NEAR(portable_log(x), std::log(x), 1e-15);
  for (double x = -700; x < 700; x += 0.37)
    EXPECT_NEAR(portable_exp(x) / std::exp(x), 1.0, 4e-16) << x;
  EXPECT_EQ(portable_log(1.0), 0.0);
  EXPECT_EQ(portable_exp(0.0), 1.0);
}

TEST(SyntheticTrace, LengthsFixedUniformAndFromATable) {
  TraceSpec spec = synthetic("poisson", 1.0, 2000);
  spec.synthetic.input_tokens = 333;
  spec.synthetic.output_tokens = 44;
  for (const auto& r : load_requests(spec)) {
    EXPECT_EQ(r.input_tokens, 333);
    EXPECT_EQ(r.output_tokens, 44);
  }
  spec.synthetic.lengths = "uniform";
  spec.synthetic.input_min = 10;
  spec.synthetic.input_max = 20;
  spec.synthetic.output_min = 5;
  spec.synthetic.output_max = 5;
  std::set<std::int64_t> inputs;
  for (const auto& r : load_requests(spec)) {
    inputs.insert(r.input_tokens);
    EXPECT_EQ(r.output_tokens, 5);
  }
  EXPECT_EQ(inputs.size(), 11u);  // every value of [10, 20] and nothing else
  EXPECT_EQ(*inputs.begin(), 10);
  EXPECT_EQ(*inputs.rbegin(), 20);

  spec.synthetic.lengths = "table";
  spec.synthetic.length_table = kShareGpt;
  std::set<std::pair<std::int64_t, std::int64_t>> rows;
  for (const auto& s : read_length_table_file(kShareGpt))
    rows.insert({s.input_tokens, s.output_tokens});
  EXPECT_EQ(read_length_table_file(kShareGpt).size(), lines_of(kShareGpt).size() - 1);
  for (const auto& r : load_requests(spec))
    EXPECT_TRUE(rows.count({r.input_tokens, r.output_tokens})) << r.input_tokens;
  // An Azure trace also serves as a length table.
  EXPECT_EQ(read_length_table_file(kConv).front().input_tokens, 374);
}

TEST(SyntheticTrace, LengthTableErrorsNameFileAndLine) {
  std::istringstream a("num_prefill_tokens,num_decode_tokens\n5,6\n7,x\n");
  EXPECT_EQ(error_of([&] { read_length_table(a, "t.csv"); }),
            "t.csv:3: num_decode_tokens: must be an integer >= 1, got \"x\"");
  std::istringstream b("prompt,answer\n5,6\n");
  EXPECT_EQ(error_of([&] { read_length_table(b, "t.csv"); }).rfind("t.csv:1: header:", 0), 0u);
}

TEST(SyntheticTrace, LengthTableAcceptsQuotedFields) {
  std::istringstream in(
      "\"note, free text\",num_prefill_tokens,num_decode_tokens\r\n"
      "\"a \"\"quoted\"\"\nmulti-line note\",\"12\",3\r\n"
      "plain,4,\"5\"\r\n");
  const auto table = read_length_table(in, "t.csv");
  ASSERT_EQ(table.size(), 2u);
  EXPECT_EQ(table[0].input_tokens, 12);
  EXPECT_EQ(table[0].output_tokens, 3);
  EXPECT_EQ(table[1].input_tokens, 4);
  EXPECT_EQ(table[1].output_tokens, 5);
  // The row after a two-line record is numbered by the line it starts on.
  std::istringstream bad("\"n\",num_prefill_tokens,num_decode_tokens\n\"x\ny\",1,2\nz,1,0\n");
  EXPECT_EQ(error_of([&] { read_length_table(bad, "t.csv"); }),
            "t.csv:4: num_decode_tokens: must be an integer >= 1, got \"0\"");
}

TEST(SyntheticTrace, InvalidSpecsAreErrors) {
  TraceSpec spec = synthetic("posson", 1.0, 10);
  EXPECT_EQ(error_of([&] { load_requests(spec); }),
            "synthetic trace: arrival: must be one of poisson, gamma, burst, got \"posson\" (did "
            "you mean "
            "'poisson'?)");
  spec = synthetic("poisson", 0.0, 10);
  EXPECT_EQ(error_of([&] { load_requests(spec); }),
            "synthetic trace: rate: must be a finite number > 0, got 0");
  spec = synthetic("poisson", 1.0, 0);
  EXPECT_NE(error_of([&] { load_requests(spec); }).find("needs max_requests or duration_s"),
            std::string::npos);
  spec = synthetic("poisson", 1.0, 10);
  spec.synthetic.lengths = "uniform";
  spec.synthetic.input_min = 9;
  spec.synthetic.input_max = 8;
  EXPECT_NE(error_of([&] { load_requests(spec); }).find("input_min, input_max"), std::string::npos);
  spec = synthetic("poisson", 1.0, 10);
  spec.synthetic.lengths = "table";
  EXPECT_NE(error_of([&] { load_requests(spec); }).find("length_table"), std::string::npos);
}

// ------------------------------------------------------------------------------- options

TEST(TraceOptions, MaxRequestsDurationAndTimeScaleApply) {
  TraceSpec spec;
  spec.file = kConv;
  const auto all = load_requests(spec);

  spec.max_requests = 100;
  const auto first100 = load_requests(spec);
  ASSERT_EQ(first100.size(), 100u);
  EXPECT_EQ(first100.back().arrival_s, all[99].arrival_s);

  spec.max_requests = 0;
  spec.duration_s = 60;
  const auto minute = load_requests(spec);
  ASSERT_FALSE(minute.empty());
  EXPECT_LT(minute.back().arrival_s, 60.0);
  EXPECT_GE(all[minute.size()].arrival_s, 60.0);

  spec.time_scale = 2;  // twice as fast: twice as many requests fit in the first minute
  const auto fast = load_requests(spec);
  EXPECT_LT(fast.back().arrival_s, 60.0);
  EXPECT_GE(all[fast.size()].arrival_s / 2, 60.0);
  EXPECT_GT(fast.size(), minute.size());
  for (std::size_t i = 0; i < fast.size(); ++i) EXPECT_EQ(fast[i].arrival_s, all[i].arrival_s / 2);

  spec.max_requests = 10;  // both limits: the tighter wins
  EXPECT_EQ(load_requests(spec).size(), 10u);
}

TEST(TraceOptions, SyntheticHonoursDurationAndTimeScale) {
  TraceSpec spec = synthetic("poisson", 10.0, 0);
  spec.duration_s = 30;
  const auto r = load_requests(spec);
  EXPECT_NEAR(static_cast<double>(r.size()), 300.0, 4 * std::sqrt(300.0));
  EXPECT_LT(r.back().arrival_s, 30.0);
  spec.time_scale = 3;  // the same draws, three times faster: about three times as many fit
  const auto fast = load_requests(spec);
  EXPECT_LT(fast.back().arrival_s, 30.0);
  ASSERT_GT(fast.size(), 2 * r.size());
  for (std::size_t i = 0; i < r.size(); ++i) EXPECT_EQ(fast[i].input_tokens, r[i].input_tokens);
  spec.max_requests = 50;
  EXPECT_EQ(load_requests(spec).size(), 50u);
}

TEST(TraceOptions, InvalidOptionsAndKindsAreErrors) {
  TraceSpec spec;
  spec.file = kConv;
  spec.time_scale = 0;
  EXPECT_EQ(error_of([&] { load_requests(spec); }),
            kConv + ": time_scale: must be a finite number > 0, got 0");
  spec.time_scale = 1;
  spec.max_requests = -1;
  EXPECT_NE(error_of([&] { load_requests(spec); }).find("max_requests: must be >= 0"),
            std::string::npos);
  spec.max_requests = 0;
  spec.duration_s = -1;
  EXPECT_NE(error_of([&] { load_requests(spec); }).find("duration_s:"), std::string::npos);
  spec.duration_s = 0;
  spec.kind = "azur";
  EXPECT_EQ(error_of([&] { load_requests(spec); }),
            "trace kind: must be one of azure, mooncake, synthetic, got \"azur\" (did you mean "
            "'azure'?)");
  spec.kind = "";
  spec.file = "requests.parquet";
  EXPECT_NE(error_of([&] { load_requests(spec); }).find("cannot tell from the file name"),
            std::string::npos);
  spec.kind = "mooncake";  // an explicit kind overrides the extension
  spec.file = kConv;
  EXPECT_NE(error_of([&] { load_requests(spec); }).find(kConv + ":1:1: invalid JSON"),
            std::string::npos);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
