// Serving on a system (docs/serving.md, "Serving on a system"): routers, conservation over
// replicas, the KV transfer's closed form, disaggregation of one request, throughput
// monotonicity in replicas, and the CLI's refusals. The serving tests run the real schedulers on
// a stand-in backend whose every iteration takes exactly kIterS and whose host transfers are
// free, so each expected time is written down from first principles.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <systemc>

#include "maia/backend/backend.hpp"
#include "maia/core/error.hpp"
#include "maia/serving/scheduler/scheduler.hpp"
#include "maia/serving/system/router.hpp"
#include "maia/serving/system/system_serving.hpp"
#include "maia/system/system_config.hpp"
#include "maia/workload/model_config.hpp"

namespace maia {
namespace {

const std::string kSource = MAIA_SOURCE_DIR;
const Quantization kFp8{DType::kFp8, DType::kFp8, DType::kFp8};
constexpr double kIterS = 0.010;  // every iteration of the stand-in backend

class ConstantBackend : public Backend {
 public:
  const std::string& chip_name() const override { return name_; }
  std::uint64_t memory_capacity_bytes() const override { return 96'000'000'000ULL; }
  bool weights_fit_on_chip(std::uint64_t) const override { return false; }
  std::int64_t tensor_parallel_limit() const override { return 4; }
  double iteration_overhead_ns() const override { return 0; }
  std::vector<ChipFigure> figures() const override { return {}; }
  EnergyCoefficients energy_coefficients() const override { return {}; }
  const CostConfig& cost_config() const override { return cost_; }
  IterationResult run_graph(const OperatorGraph&) override { return {kIterS * 1e9, {}}; }
  double host_transfer_ns(std::uint64_t, bool) override { return 0; }
  void set_weights_resident(bool) override {}
  void set_timeline(Timeline*) override {}
  Timeline* timeline() const override { return nullptr; }
  std::uint64_t operators_simulated() const override { return 0; }
  std::uint64_t operators_reused() const override { return 0; }
  void set_collective_timer(const CollectiveTimer*) override {}

 private:
  std::string name_ = "constant";
  CostConfig cost_;
};

ModelConfig llama8b() { return load_model("llama-3.1-8b", kSource + "/configs/models"); }

const SystemConfig& tray() {
  static const SystemConfig s = load_system_config(kSource + "/configs/systems/maia200-tray.json");
  return s;
}

Request request(std::uint64_t id, double arrival_s, std::int64_t in, std::int64_t out,
                std::vector<std::uint64_t> hashes = {}) {
  Request r;
  r.id = id;
  r.arrival_s = arrival_s;
  r.input_tokens = in;
  r.output_tokens = out;
  r.prefix_blocks = std::move(hashes);
  return r;
}

SystemServingResult serve(const std::vector<Request>& reqs, SystemServingOptions o,
                          ServingOptions s = {}) {
  ConstantBackend backend;
  s.exact = true;  // the backend's constant, not an interpolation of it
  return run_system_serving(backend, llama8b(), kFp8, reqs, s, o, tray(), 1);
}

SystemServingOptions colocated(std::int64_t n, const std::string& router = "round-robin") {
  SystemServingOptions o;
  o.replicas = n;
  o.router = router;
  return o;
}

SystemServingOptions disaggregated(std::int64_t p, std::int64_t d) {
  SystemServingOptions o;
  o.prefill_replicas = p;
  o.decode_replicas = d;
  return o;
}

// A replica as a router sees it, with its state written by the test.
struct FakeReplica : RoutableReplica {
  std::int64_t outstanding = 0;
  std::vector<std::uint64_t> cached;  // prefix hashes it holds
  std::int64_t outstanding_tokens() const override { return outstanding; }
  std::int64_t prefix_match_blocks(const std::vector<std::uint64_t>& h) const override {
    std::int64_t n = 0;
    while (n < static_cast<std::int64_t>(h.size()) &&
           std::find(cached.begin(), cached.end(), h[static_cast<std::size_t>(n)]) != cached.end())
      ++n;
    return n;
  }
};

std::vector<const RoutableReplica*> views(const std::vector<FakeReplica>& f) {
  std::vector<const RoutableReplica*> v;
  for (const auto& r : f) v.push_back(&r);
  return v;
}

TEST(Router, RoundRobinTakesReplicasInTurn) {
  std::vector<FakeReplica> f(3);
  f[0].outstanding = 1000;  // load does not matter to it
  auto r = make_router("round-robin", "test");
  std::vector<std::size_t> got;
  for (int i = 0; i < 7; ++i) got.push_back(r->route(request(i, 0, 8, 8), views(f)));
  EXPECT_EQ(got, (std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 0}));
}

TEST(Router, LeastOutstandingPicksTheEmptierReplica) {
  std::vector<FakeReplica> f(3);
  f[0].outstanding = 500;
  f[1].outstanding = 20;
  f[2].outstanding = 300;
  auto r = make_router("least-outstanding", "test");
  EXPECT_EQ(r->route(request(0, 0, 8, 8), views(f)), 1u);
  f[1].outstanding = 300;  // a tie between 1 and 2: the lower index
  EXPECT_EQ(r->route(request(1, 0, 8, 8), views(f)), 1u);
}

TEST(Router, PrefixAffinityPrefersTheLongestLeadingRun) {
  std::vector<FakeReplica> f(3);
  f[0].cached = {1};
  f[1].cached = {1, 2, 3};
  f[1].outstanding = 10'000;  // busier, but holds the longest run
  f[2].cached = {2, 3};       // not leading: no match
  auto r = make_router("prefix-affinity", "test");
  EXPECT_TRUE(r->needs_prefix_ids());
  EXPECT_EQ(r->route(request(0, 0, 2048, 8, {1, 2, 3, 4}), views(f)), 1u);
  // Matching nowhere: the least outstanding (2 over 0 by load: 0 has 5, 2 has 0).
  f[0].outstanding = 5;
  EXPECT_EQ(r->route(request(1, 0, 2048, 8, {9}), views(f)), 2u);
}

TEST(Router, UnknownNameListsTheKnownOnes) {
  try {
    make_router("round-robbin", "--router");
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("round-robin, least-outstanding, prefix-affinity"), std::string::npos) << m;
    EXPECT_NE(m.find("did you mean 'round-robin'"), std::string::npos) << m;
  }
}

TEST(MovedInKv, AdmissionReservesItsBlocksAndDecodes) {
  // A decode replica's request: 100 prompt tokens of KV moved in, the first output token to
  // compute. 16-token blocks: ceil(101 / 16) = 7 blocks each; a 10-block cache holds one.
  SchedulerConfig c;
  c.kv_blocks = 10;
  c.block_tokens = 16;
  Scheduler s(c);
  for (std::uint64_t id = 0; id < 2; ++id) {
    Request r = request(id, 0.0, 101, 3);
    r.kv_ready_tokens = 100;
    ASSERT_TRUE(s.submit(r));
  }
  IterationPlan p = s.next_iteration(0.0);
  ASSERT_EQ(p.batch.size(), 1u);  // the second waits for blocks
  EXPECT_EQ(p.batch[0].cached_tokens, 100);
  EXPECT_EQ(p.batch[0].new_tokens, 1);
  EXPECT_TRUE(p.batch[0].samples);
  EXPECT_EQ(p.decode_tokens, 1);  // a decode step, not a prefill
  EXPECT_EQ(p.prefill_tokens, 0);
  EXPECT_EQ(s.stats().kv.used_blocks, 7);
  s.complete_iteration(p, 0.01);
  EXPECT_EQ(s.record(0).generated, 1);
  EXPECT_EQ(s.record(0).prefill_tokens, 0);
  // Finish request 0 (two more tokens); then request 1 fits.
  for (int i = 0; i < 2; ++i) {
    p = s.next_iteration(0.02 + i);
    ASSERT_EQ(p.request_ids, std::vector<std::uint64_t>{0});
    s.complete_iteration(p, 0.03 + i);
  }
  EXPECT_TRUE(s.record(0).finished());
  p = s.next_iteration(5.0);
  EXPECT_EQ(p.request_ids, std::vector<std::uint64_t>{1});
  // A kv_ready_tokens that leaves nothing to compute is refused.
  Request bad = request(7, 0.0, 50, 3);
  bad.kv_ready_tokens = 50;
  EXPECT_FALSE(s.submit(bad));
}

TEST(SystemServing, RoundRobinAssignsRequestsInTurn) {
  std::vector<Request> reqs;
  for (std::uint64_t i = 0; i < 7; ++i) reqs.push_back(request(i, 0.001 * i, 64, 3));
  const auto r = serve(reqs, colocated(3));
  ASSERT_EQ(r.requests.size(), reqs.size());
  for (std::size_t i = 0; i < reqs.size(); ++i)
    EXPECT_EQ(r.requests[i].replica, static_cast<std::int64_t>(i % 3)) << i;
}

// Every request is served exactly once, all its tokens emitted, and the replicas' tokens add up
// to the system's.
void expect_conserved(const SystemServingResult& r, const std::vector<Request>& reqs) {
  ASSERT_EQ(r.requests.size(), reqs.size());
  std::int64_t total = 0, by_replicas = 0;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const auto& m = r.requests[i];
    EXPECT_EQ(m.record.id, reqs[i].id);
    EXPECT_TRUE(m.record.finished()) << i;
    EXPECT_EQ(m.record.generated, reqs[i].output_tokens) << i;
    EXPECT_EQ(static_cast<std::int64_t>(m.record.token_times_s.size()), reqs[i].output_tokens);
    total += m.record.generated;
  }
  for (const auto& rep : r.replicas) {
    for (const auto& rec : rep.serving.records) {
      by_replicas += rec.generated;
      // A request finished on a replica at most once, and only where the system says it ran.
      const auto& m = r.requests[rec.id];
      EXPECT_TRUE(m.replica == static_cast<std::int64_t>(rep.index) ||
                  m.decode_replica == static_cast<std::int64_t>(rep.index));
    }
  }
  EXPECT_EQ(by_replicas, total);
  EXPECT_EQ(r.total.stats.completed, static_cast<std::int64_t>(reqs.size()));
}

std::vector<Request> mixed_load(std::size_t n) {
  std::vector<Request> reqs;
  for (std::uint64_t i = 0; i < n; ++i)
    reqs.push_back(request(i, 0.002 * i, 64 + 97 * (i % 5), 1 + (i * 7) % 13));
  return reqs;
}

TEST(SystemServing, ColocatedReplicasConserveRequestsAndTokens) {
  const auto reqs = mixed_load(24);
  const auto r = serve(reqs, colocated(2, "least-outstanding"));
  expect_conserved(r, reqs);
  // Both replicas served.
  for (const auto& rep : r.replicas) EXPECT_GT(rep.serving.stats.completed, 0);
}

TEST(SystemServing, DisaggregatedPoolsConserveRequestsAndTokens) {
  const auto reqs = mixed_load(24);
  const auto r = serve(reqs, disaggregated(1, 2));
  expect_conserved(r, reqs);
  // Each request with more than one output token made one KV transfer; none otherwise.
  std::size_t multi = 0;
  for (const auto& q : reqs) multi += q.output_tokens > 1 ? 1 : 0;
  EXPECT_EQ(r.transfers.size(), multi);
  // The prefill replica emitted exactly one token per request.
  std::int64_t prefill_tokens = 0;
  for (const auto& rec : r.replicas[0].serving.records) prefill_tokens += rec.generated;
  EXPECT_EQ(prefill_tokens, static_cast<std::int64_t>(reqs.size()));
}

TEST(SystemServing, LeastOutstandingAvoidsTheLoadedReplica) {
  // Request 0 (long) takes replica 0; request 1 (short) replica 1 and is done by t = 0.5 s;
  // request 2 then finds replica 0 loaded and replica 1 empty. Round-robin sends it to 0.
  const std::vector<Request> reqs = {request(0, 0.0, 64, 100), request(1, 0.001, 64, 2),
                                     request(2, 0.5, 64, 2)};
  EXPECT_EQ(serve(reqs, colocated(2, "least-outstanding")).requests[2].replica, 1);
  EXPECT_EQ(serve(reqs, colocated(2, "round-robin")).requests[2].replica, 0);
}

TEST(SystemServing, PrefixAffinityKeepsSharedPrefixesTogether) {
  // Two prompt families (two shared 512-token blocks each) in the order A A B B A A B B, 1 s
  // apart (each is done before the next arrives).
  std::vector<Request> reqs;
  const int family[] = {0, 0, 1, 1, 0, 0, 1, 1};
  for (std::uint64_t i = 0; i < 8; ++i) {
    const std::uint64_t f = static_cast<std::uint64_t>(family[i]);
    reqs.push_back(
        request(i, 1.0 * static_cast<double>(i), 1536, 2, {100 * f + 1, 100 * f + 2, 1000 + i}));
  }
  const auto aff = serve(reqs, colocated(2, "prefix-affinity"));
  const auto rr = serve(reqs, colocated(2, "round-robin"));
  expect_conserved(aff, reqs);
  for (std::size_t i = 1; i < reqs.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (family[i] == family[j]) {
        EXPECT_EQ(aff.requests[i].replica, aff.requests[j].replica) << i << " " << j;
      }
  // Affinity misses only each family's first request: 6 of 8 hit 1024 tokens each; round-robin
  // spreads each family over both replicas, so each replica misses each family once.
  EXPECT_EQ(aff.total.stats.kv.prefix_hit_tokens, 6 * 1024);
  EXPECT_EQ(rr.total.stats.kv.prefix_hit_tokens, 4 * 1024);
  EXPECT_GT(aff.total.stats.kv.prefix_hit_tokens, rr.total.stats.kv.prefix_hit_tokens);
}

TEST(SystemServing, PrefixAffinityRefusesATraceWithoutHashIds) {
  EXPECT_THROW(serve({request(0, 0, 64, 2)}, colocated(2, "prefix-affinity")), InputError);
}

TEST(SystemServing, KvTransferOfOneRequestHasItsClosedForm) {
  const std::int64_t prompt = 1000;
  const auto r = serve({request(0, 0.0, prompt, 4)}, disaggregated(1, 1));
  ASSERT_EQ(r.transfers.size(), 1u);
  // K and V of every layer, every KV head, head_dim values of one byte (FP8), per token.
  const ModelConfig m = llama8b();
  const double bytes = 2.0 * static_cast<double>(m.num_layers * m.num_kv_heads * m.head_dim) *
                       static_cast<double>(prompt);
  // Chips 0 and 1 of the tray: tray_links[0] ports of port_gbps Gb/s, the NIC's latency.
  const ChipConfig& chip = std::get<ChipConfig>(tray().chip);
  const double gbytes_per_s =
      static_cast<double>(chip.nic.tray_links[0]) * chip.nic.port_gbps / 8.0;
  const double expected_s = (chip.nic.latency_ns + bytes / gbytes_per_s) / 1e9;
  const auto& x = r.transfers[0];
  EXPECT_DOUBLE_EQ(static_cast<double>(x.bytes), bytes);
  EXPECT_NEAR(x.end_s - x.start_s, expected_s, 1e-12);
  EXPECT_NEAR(*r.requests[0].kv_transfer_s(), expected_s, 1e-12);
  // Alone on its link: it starts when the prefill ends.
  EXPECT_DOUBLE_EQ(x.start_s, x.ready_s);
}

TEST(SystemServing, DisaggregatedRequestWaitsForItsKv) {
  const Request q = request(0, 0.25, 1000, 5);
  const auto d = serve({q}, disaggregated(1, 1));
  const auto c = serve({q}, colocated(1));
  const auto& rec = d.requests[0].record;
  // TTFT is the prefill alone: one iteration, as on a colocated replica.
  EXPECT_NEAR(*rec.ttft_s(), kIterS, 1e-12);
  EXPECT_NEAR(*rec.ttft_s(), *c.requests[0].record.ttft_s(), 1e-12);
  // The transfer starts at the first token; the first decode starts when it ends, and each
  // decode takes one iteration.
  const double kv_end = *d.requests[0].kv_end_s;
  EXPECT_DOUBLE_EQ(*d.requests[0].kv_start_s, *rec.first_token_s);
  ASSERT_EQ(rec.token_times_s.size(), 5u);
  for (std::size_t i = 1; i < 5; ++i)
    EXPECT_NEAR(rec.token_times_s[i], kv_end + static_cast<double>(i) * kIterS, 1e-9) << i;
  // TPOT includes the wait for the KV: (finish - first token) / 4.
  EXPECT_NEAR(*rec.tpot_s(), (kv_end - *rec.first_token_s + 4 * kIterS) / 4, 1e-9);
  EXPECT_GT(*rec.tpot_s(), *c.requests[0].record.tpot_s());
}

TEST(SystemServing, TwoReplicasUnderLoadOutrunOne) {
  // 16 requests at once, at most 2 running per replica: one replica needs twice the waves.
  std::vector<Request> reqs;
  for (std::uint64_t i = 0; i < 16; ++i) reqs.push_back(request(i, 0.0, 128, 20));
  ServingOptions s;
  s.max_num_seqs = 2;
  const auto one = serve(reqs, colocated(1), s);
  const auto two = serve(reqs, colocated(2), s);
  expect_conserved(two, reqs);
  const double tokens = 16.0 * 20.0;
  EXPECT_GT(tokens / two.total.makespan_s(), 1.5 * tokens / one.total.makespan_s());
}

TEST(SystemServing, OneReplicaIsOneChipServing) {
  // One colocated replica is the one-chip serving loop: the same tokens at the same times.
  const auto reqs = mixed_load(12);
  ServingOptions s;
  s.exact = true;
  ConstantBackend backend;
  const ServingResult chip = run_serving(backend, llama8b(), kFp8, reqs, s);
  const auto sys = serve(reqs, colocated(1), s);
  ASSERT_EQ(chip.records.size(), sys.requests.size());
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_EQ(chip.records[i].token_times_s, sys.requests[i].record.token_times_s) << i;
    EXPECT_EQ(chip.records[i].first_scheduled_s, sys.requests[i].record.first_scheduled_s) << i;
  }
  EXPECT_EQ(chip.iterations, sys.total.iterations);
  EXPECT_DOUBLE_EQ(chip.end_s, sys.total.end_s);
}

TEST(SystemServing, TooFewChipsInTheSystemIsAnInputError) {
  EXPECT_THROW(serve({request(0, 0, 64, 2)}, colocated(5)), InputError);
}

TEST(SystemServing, DisaggregationNeedsBothPools) {
  SystemServingOptions o;
  EXPECT_THROW(parse_disaggregation("1:0", "--disaggregate", o), InputError);
  EXPECT_THROW(parse_disaggregation("0:2", "--disaggregate", o), InputError);
  EXPECT_THROW(parse_disaggregation("2", "--disaggregate", o), InputError);
  EXPECT_THROW(parse_disaggregation("a:1", "--disaggregate", o), InputError);
  parse_disaggregation("2:3", "--disaggregate", o);
  EXPECT_EQ(o.prefill_replicas, 2);
  EXPECT_EQ(o.decode_replicas, 3);
  EXPECT_EQ(o.replica_count(), 5);
}

int cli_status(const std::string& args) {
  const std::string cmd = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 '") + MAIA_CLI +
                          "' run --model llama-3.1-8b " + args + " >/dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The exit status of `maia-sim run --model llama-3.1-8b ARGS`, and its stderr.
std::pair<int, std::string> cli_run(const std::string& args) {
  const auto err = std::filesystem::temp_directory_path() / "maia_system_serving_cli.err";
  const std::string cmd = std::string("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 '") + MAIA_CLI +
                          "' run --model llama-3.1-8b " + args + " >/dev/null 2>'" + err.string() +
                          "'";
  const int status = std::system(cmd.c_str());
  std::ifstream in(err);
  std::stringstream text;
  text << in.rdbuf();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
}

TEST(SystemServingCli, BadInputsExitTwo) {
  const std::string trace =
      "--trace '" + kSource + "/traces/AzureLLMInferenceTrace_conv.csv' " + "--max-requests 4";
  const std::string tray_file = "'" + kSource + "/configs/systems/maia200-tray.json'";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {trace + " --disaggregate 1:0", "P >= 1 and D >= 1"},
      {trace + " --disaggregate 0:1", "P >= 1 and D >= 1"},
      {trace + " --disaggregate two", "expected P:D"},
      {trace + " --replicas 0", "--replicas: must be >= 1"},
      {trace + " --replicas 2 --router fastest", "unknown router 'fastest'"},
      {trace + " --replicas 2 --disaggregate 1:1", "exclude each other"},
      {trace + " --replicas 2 --router prefix-affinity", "no prefix hash ids"},
      {trace + " --replicas 5 --system " + tray_file, "need 5 chips"},
      {"--replicas 2", "applies only when serving a trace"},
      {trace + " --replicas 2 --speculate 2 --draft mtp --accept-rate 0.8",
       "--speculate is not supported"},
  };
  for (const auto& [args, message] : cases) {
    const auto [status, err] = cli_run(args);
    EXPECT_EQ(status, 2) << args;
    EXPECT_NE(err.find(message), std::string::npos) << args << ": " << err;
  }
}

// A whole (small) disaggregated run on the chip model through the CLI: the KV transfers are in
// summary.json, requests.csv and the timeline (SANITIZE_EXCLUDE: a serving run on the chip).
TEST(SystemServingCli, DisaggregatedRunShowsItsTransfersEverywhere) {
  const auto dir = std::filesystem::temp_directory_path() / "maia_system_serving_cli";
  std::filesystem::remove_all(dir);
  const std::string out = dir.string();
  ASSERT_EQ(cli_status("--rate 50 --max-requests 6 --input-tokens 256 --output-tokens 4 "
                       "--disaggregate 1:1 --out '" +
                       out + "' --perfetto '" + out + "/t.json'"),
            0);
  std::ifstream sf(out + "/summary.json");
  const nlohmann::json j = nlohmann::json::parse(sf);
  EXPECT_EQ(j["serving_system"]["mode"], "disaggregated");
  EXPECT_EQ(j["disaggregation"]["kv_transfers"]["count"], 6);  // every request has 4 tokens
  ASSERT_EQ(j["replicas"].size(), 2u);
  EXPECT_EQ(j["replicas"][0]["role"], "prefill");
  EXPECT_EQ(j["replicas"][1]["role"], "decode");
  EXPECT_EQ(
      j["replicas"][0]["output_tokens"].get<int>() + j["replicas"][1]["output_tokens"].get<int>(),
      6 * 4);
  EXPECT_EQ(j["throughput"]["output_tokens"], 6 * 4);
  EXPECT_EQ(j["parallelism"]["chips"], 2);
  // requests.csv: every row has its transfer time, > 0.
  std::ifstream rf(out + "/requests.csv");
  std::string line;
  std::getline(rf, line);
  EXPECT_NE(line.find(",kv_transfer_ms"), std::string::npos) << line;
  int rows = 0;
  while (std::getline(rf, line)) {
    ++rows;
    const std::string last = line.substr(line.rfind(',') + 1);
    ASSERT_FALSE(last.empty()) << line;
    EXPECT_GT(std::stod(last), 0.0) << line;
  }
  EXPECT_EQ(rows, 6);
  // The timeline: a link track with one span per transfer.
  std::ifstream tf(out + "/t.json");
  std::stringstream text;
  text << tf.rdbuf();
  const std::string t = text.str();
  EXPECT_NE(t.find("\"kv links\""), std::string::npos);
  std::size_t spans = 0;
  for (std::size_t at = t.find("\"KV request "); at != std::string::npos;
       at = t.find("\"KV request ", at + 1))
    ++spans;
  EXPECT_EQ(spans, 6u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
