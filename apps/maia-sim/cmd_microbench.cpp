// maia-sim microbench: gemm | hbm | noc | pcie | all. One simulation per process (SystemC), so
// `all` runs each benchmark as a child process of this executable and gathers their JSON.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <systemc>

#include "cli.hpp"
#include "maia/core/decimal.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"
#include "maia/microbench/microbench.hpp"

namespace maia::cli {
namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs this executable with `args`; returns its stdout, throws on failure.
std::string run_self(const std::vector<std::string>& args) {
  // popen runs a shell, so name this executable by its real path, not /proc/self/exe.
  std::string cmd = shell_quote(std::filesystem::read_symlink("/proc/self/exe").string());
  for (const auto& a : args) cmd.append(" ").append(shell_quote(a));
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) throw SimulationError("cannot start " + cmd);
  std::string out;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  if (status != 0) throw SimulationError(fmt::format("'{}' failed (status {})", cmd, status));
  return out;
}

}  // namespace

std::uint64_t parse_byte_count(const std::string& text, const std::string& option) {
  // Accepts plain integers and K/M/G/Ki/Mi/Gi suffixes.
  std::size_t pos = 0;
  const auto parsed = parse_decimal(text, &pos);
  if (!parsed)
    throw InputError(fmt::format("{}: must be a byte count like 1048576, 64M or 8Gi, got {}",
                                 option, brief_text(text)));
  const double v = *parsed;
  const std::string unit = text.substr(pos);
  double mult = 1;
  if (unit == "K")
    mult = 1e3;
  else if (unit == "M")
    mult = 1e6;
  else if (unit == "G")
    mult = 1e9;
  else if (unit == "Ki")
    mult = 1024.0;
  else if (unit == "Mi")
    mult = 1024.0 * 1024;
  else if (unit == "Gi")
    mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty())
    throw InputError(fmt::format("{}: unknown unit \"{}\" (use K, M, G, Ki, Mi or Gi), got \"{}\"",
                                 option, unit, text));
  // Bounded so that the product is exact and the simulation finishes (1 TiB: ~4 M DMA chunks).
  constexpr double kMaxBytes = 1099511627776.0;
  const double total = v * mult;
  if (!(total >= 1 && total <= kMaxBytes) || total != std::floor(total))
    throw InputError(fmt::format("{}: must be a whole number of bytes in [1, 1Ti], got \"{}\"",
                                 option, brief_plain(text)));
  return static_cast<std::uint64_t>(total);
}

namespace {

DType parse_dtype_option(const std::string& s) {
  const auto d = parse_dtype(s);
  if (!d || (*d != DType::kFp4 && *d != DType::kFp8 && *d != DType::kBf16))
    throw InputError(fmt::format("--dtype: must be bf16, fp8 or fp4, got \"{}\"", s));
  return *d;
}

// An option the chosen benchmark does not read is refused rather than ignored.
void check_benchmark_options(const po::variables_map& vm, const std::string& which) {
  const std::map<std::string, std::vector<std::string>> reads = {
      {"gemm", {"dtype", "m", "n", "k"}},
      {"hbm", {"pattern", "bytes", "write-fraction", "access-bytes", "csv"}},
      {"noc", {"test"}},
      {"pcie", {"bytes"}},
      {"all", {}}};
  const auto it = reads.find(which);
  if (it == reads.end()) return;  // an unknown benchmark is reported by name below
  for (const auto& [name, options] : reads)
    for (const auto& option : options) {
      if (!vm.count(option) ||
          std::find(it->second.begin(), it->second.end(), option) != it->second.end())
        continue;
      std::string users;
      for (const auto& [other, other_options] : reads)
        if (std::find(other_options.begin(), other_options.end(), option) != other_options.end())
          users += (users.empty() ? "" : " and ") + other;
      throw InputError(fmt::format("microbench {}: --{} applies only to {}", which, option, users));
    }
}

int run_all(const ChipOptions& chip, bool json) {
  const std::vector<std::vector<std::string>> runs = {
      {"gemm", "--dtype", "fp8"},     {"gemm", "--dtype", "fp4"},
      {"gemm", "--dtype", "bf16"},    {"hbm", "--pattern", "seq"},
      {"hbm", "--pattern", "random"}, {"noc", "--test", "link"},
      {"noc", "--test", "bisection"}, {"pcie"}};
  Json all = Json::array();
  for (auto args : runs) {
    std::vector<std::string> a = {"microbench"};
    a.insert(a.end(), args.begin(), args.end());
    a.push_back("--json");
    for (const auto& c : chip_args(chip)) a.push_back(c);
    all.push_back(Json::parse(run_self(a)));
  }
  if (json) {
    std::cout << Json{{"benchmarks", all}}.dump(2) << "\n";
    return kExitOk;
  }
  fmt::print("{:<34} {:>14} {:>14} {:>9}\n", "microbenchmark", "achieved", "peak", "of peak");
  for (const auto& j : all) {
    const std::string b = j["benchmark"];
    std::string label = b;
    if (b == "gemm")
      label = fmt::format("gemm {} {}x{}x{}", j["dtype"].get<std::string>(), j["m"].get<long>(),
                          j["n"].get<long>(), j["k"].get<long>());
    if (b == "hbm") label = "hbm " + j["pattern"].get<std::string>() + " read";
    if (b == "noc") label = "noc " + j["test"].get<std::string>();
    if (b == "pcie") label = "pcie host->device";
    const bool flops = b == "gemm";
    const double got =
        flops ? j["achieved_tflops"].get<double>() : j["achieved_gbps"].get<double>();
    const double peak = flops ? j["peak_tflops"].get<double>() : j["peak_gbps"].get<double>();
    const char* unit = flops ? "TFLOP/s" : "GB/s";
    fmt::print("{:<34} {:>9.1f} {:<4} {:>9.1f} {:<4} {:>8.1f}%\n", label, got, unit, peak, unit,
               100.0 * got / peak);
  }
  fmt::print(
      "\n(maia-sim microbench <name> --help for options; details per benchmark with its own "
      "command)\n");
  return kExitOk;
}

}  // namespace

int cmd_microbench(const std::vector<std::string>& args) {
  // The collective microbenchmark is analytical (no chip simulation) and has its own options.
  if (!args.empty() && args.front() == "collective")
    return cmd_microbench_collective({args.begin() + 1, args.end()});
  po::options_description desc("maia-sim microbench gemm|hbm|noc|pcie|all|collective [options]");
  ChipOptions chip;
  std::string which, dtype = "fp8", pattern = "seq", bytes, test = "bisection";
  std::int64_t m = 8192, n = 8192, k = 8192;
  double write_fraction = 0;
  std::uint64_t access = 64;
  desc.add_options()("help,h", "this help")(
      "benchmark", po::value(&which), "gemm, hbm, noc, pcie, all or collective (its own --help)")(
      "json", "print one JSON object instead of a table")(
      "sim-stats",
      "add a 'simulation' block: wall time and SystemC delta cycles (not deterministic)")(
      "dtype", po::value(&dtype), "gemm: bf16, fp8 or fp4 (default fp8)")(
      "m", po::value(&m), "gemm: M (default 8192)")("n", po::value(&n), "gemm: N (default 8192)")(
      "k", po::value(&k), "gemm: K (default 8192)")("pattern", po::value(&pattern),
                                                    "hbm: seq, random or latency (default seq)")(
      "bytes", po::value(&bytes),
      "hbm/pcie: bytes moved, e.g. 1Gi (defaults: hbm seq 1Gi, random 64Mi, pcie 256Mi)")(
      "write-fraction", po::value(&write_fraction), "hbm: fraction of bytes written (default 0)")(
      "access-bytes", po::value(&access), "hbm random: bytes per access (default 64)")(
      "csv", "hbm latency: print the curve as CSV")("test", po::value(&test),
                                                    "noc: link or bisection (default bisection)");
  add_chip_options(desc, chip);
  po::positional_options_description pos;
  pos.add("benchmark", 1);
  const auto vm = parse("microbench", args, desc, &pos);
  if (vm.count("help") || which.empty()) {
    std::cout << desc;
    return vm.count("help") ? kExitOk : kExitBadInput;
  }
  const bool json = vm.count("json") > 0;
  check_benchmark_options(vm, which);
  if (which == "all") return run_all(chip, json);
  const ChipConfig cfg = load_chip(chip);
  const auto wall0 = std::chrono::steady_clock::now();
  Json result;
  if (which == "gemm") {
    if (m < 1 || n < 1 || k < 1)
      throw InputError(fmt::format("gemm: --m, --n, --k must be >= 1, got {}x{}x{}", m, n, k));
    const DType d = parse_dtype_option(dtype);
    result = microbench_gemm(cfg, {m, n, k, d, d, DType::kBf16, {}, 0});
  } else if (which == "hbm" && pattern == "latency") {
    for (const char* o : {"bytes", "write-fraction", "access-bytes"})
      if (vm.count(o)) throw InputError(fmt::format("hbm --pattern latency does not read --{}", o));
    result = microbench_hbm_latency(cfg, HbmLatencySpec{});
    if (!json) {
      std::cout << hbm_latency_table(result, vm.count("csv") > 0);
      return kExitOk;
    }
  } else if (which == "hbm") {
    if (pattern != "seq" && pattern != "random")
      throw InputError(
          fmt::format("hbm: --pattern must be seq, random or latency, got \"{}\"", pattern));
    if (vm.count("csv")) throw InputError("hbm: --csv is read only by --pattern latency");
    HbmStreamSpec s;
    s.random = pattern == "random";
    s.bytes =
        bytes.empty() ? (s.random ? 64ull << 20 : 1ull << 30) : parse_byte_count(bytes, "--bytes");
    s.write_fraction = write_fraction;
    s.access_bytes = access;
    if (access == 0) throw InputError("hbm: --access-bytes must be >= 1, got 0");
    result = microbench_hbm(cfg, s);
  } else if (which == "noc") {
    result = microbench_noc(cfg, {test, 256ull << 20});
  } else if (which == "pcie") {
    PcieSpec s;
    if (!bytes.empty()) s.bytes = parse_byte_count(bytes, "--bytes");
    result = microbench_pcie(cfg, s);
  } else {
    throw InputError(fmt::format(
        "microbench: unknown benchmark \"{}\" (gemm, hbm, noc, pcie, all or collective)", which));
  }
  if (vm.count("sim-stats")) {
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    result["simulation"] = {{"wall_s", wall},
                            {"simulated_s", sc_core::sc_time_stamp().to_seconds()},
                            {"delta_cycles", static_cast<double>(sc_core::sc_delta_count())}};
  }
  if (json)
    std::cout << result.dump(2) << "\n";
  else
    std::cout << microbench_table(result);
  return kExitOk;
}

}  // namespace maia::cli
