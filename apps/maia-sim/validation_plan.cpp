#include "validation_plan.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/core/error.hpp"
#include "maia/core/log.hpp"
#include "maia/validation/validation_run.hpp"

namespace maia::cli {

namespace fs = std::filesystem;

ValidationSettings validation_plan(const std::string& configs_dir, std::string length_table,
                                   const std::string& work_dir, std::int64_t max_requests) {
  const fs::path configs =
      configs_dir.empty() ? fs::path(default_chip_file()).parent_path() : fs::path(configs_dir);
  if (!fs::is_directory(configs))
    throw InputError(fmt::format("--configs: {}: not a folder", configs.string()));
  if (length_table.empty())
    length_table = (fs::absolute(configs).parent_path() / "traces" /
                    "sharegpt_8k_filtered_stats_llama2_tokenizer.csv")
                       .string();
  ValidationSettings s;
  s.configs_dir = fs::absolute(configs).string();
  s.models_dir = fs::absolute(default_models_dir()).string();
  s.max_requests = max_requests;
  // ShareGPT rows sample what the benchmark sampled, not the whole table.
  s.length_table = (fs::absolute(work_dir) / "sharegpt-benchmark-lengths.csv").string();
  const std::int64_t kept = write_benchmark_sharegpt_lengths(length_table, s.length_table);
  logger().info("{} of the length table's rows are within the ShareGPT benchmark's lengths ({})",
                kept, s.length_table);
  return s;
}

}  // namespace maia::cli
