#pragma once
// Shared pieces of the maia-sim sub-commands: chip options, exit codes, JSON output.
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "maia/config/any_chip_config.hpp"
#include "maia/core/exit_codes.hpp"

namespace maia::cli {

namespace po = boost::program_options;

// Exit codes: see maia/core/exit_codes.hpp.
using maia::kExitBadInput;
using maia::kExitInternal;
using maia::kExitOk;
using maia::kExitRegression;
using maia::kExitSimError;

struct ChipOptions {
  std::string chip_file;
  std::vector<std::string> sets;
};

void add_chip_options(po::options_description& desc, ChipOptions& o);
// Maia's config (commands that only simulate Maia: exec, microbench); other kinds are refused.
ChipConfig load_chip(const ChipOptions& o);
// A config of any kind (commands that go through the backend: run, ops, versus).
AnyChipConfig load_any_chip(const ChipOptions& o);
// Re-creates the chip options as command-line arguments (for child processes).
std::vector<std::string> chip_args(const ChipOptions& o);
// Parses the sub-command's arguments; throws InputError on unknown or malformed options.
po::variables_map parse(const std::string& command, const std::vector<std::string>& args,
                        const po::options_description& desc,
                        const po::positional_options_description* pos = nullptr);
// A byte count with an optional K, M, G, Ki, Mi or Gi suffix, in [1, 1Ti]; InputError naming
// `option` otherwise.
std::uint64_t parse_byte_count(const std::string& text, const std::string& option);
// The default chip config shipped with the tool (configs/maia200.json beside the sources).
std::string default_chip_file();

// The serving report's latency table from a summary.json with a serving block: TTFT, TPOT, e2e,
// inter-token (when the block has it) and queueing delay, mean / p50 / p99 in ms.
void print_latency_table(const nlohmann::ordered_json& summary);
// The models directory (configs/models): the working directory's if present, else the source
// tree's this binary was built from.
std::string default_models_dir();

// This maia-sim binary's path (for child processes); std::runtime_error when it cannot be found.
std::string self_exe();

int cmd_cache(const std::vector<std::string>& args);
int cmd_calibrate(const std::vector<std::string>& args);
int cmd_compare(const std::vector<std::string>& args);
int cmd_config(const std::vector<std::string>& args);
int cmd_exec(const std::vector<std::string>& args);
int cmd_microbench(const std::vector<std::string>& args);
int cmd_microbench_collective(const std::vector<std::string>& args);
int cmd_ops(const std::vector<std::string>& args);
int cmd_plot(const std::vector<std::string>& args);
int cmd_regress(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_sweep_merge(const std::vector<std::string>& args);
int cmd_sweep_report(const std::vector<std::string>& args);
int cmd_validate(const std::vector<std::string>& args);
int cmd_versus(const std::vector<std::string>& args);

// The options of maia-sim run (long names; takes_value false for flags such as --exact), for
// maia-sim sweep to validate run-option axes against.
struct RunOptionName {
  std::string name;
  bool takes_value;
};
std::vector<RunOptionName> run_option_names();
// Parses maia-sim run arguments without running; InputError as maia-sim run would report it.
void check_run_args(const std::vector<std::string>& args);

}  // namespace maia::cli
