#pragma once
// maia-sim run's options of serving on a system: --replicas, --disaggregate, --router (with
// run's --system: the system the replicas are on; docs/serving.md, "Serving on a system"), and
// the run, report and outputs they lead to.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "maia/backend/backend.hpp"
#include "maia/report/summary.hpp"
#include "maia/report/timeline.hpp"
#include "maia/serving/serving_run.hpp"

namespace maia::cli {

struct SystemServingArgs {
  std::int64_t replicas = 1;
  std::string disaggregate, router = "round-robin";
};

void add_system_serving_options(boost::program_options::options_description& desc,
                                SystemServingArgs& a);
// Whether any of them was given; InputError when one is given without serving a trace.
bool system_serving_requested(const boost::program_options::variables_map& vm, bool serving);

// Serves `requests` on the system the options describe, on `system_file` (run's --system; empty:
// the tray up to 4 chips, the cluster beyond), prints the report, writes --out.
int serve_on_system(const boost::program_options::variables_map& vm, const SystemServingArgs& a,
                    const std::string& system_file, Backend& backend, const ModelConfig& model,
                    const Quantization& quant, const std::vector<Request>& requests,
                    const ServingOptions& serving, std::int64_t tp, const Json& workload,
                    bool memoize, const std::string& out_dir);

}  // namespace maia::cli
