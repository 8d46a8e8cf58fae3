#pragma once
// Options shared by `maia-sim compare` and `maia-sim regress`: tolerances, output formats,
// attribution (docs/regression.md).
#include <string>
#include <vector>

#include "cli.hpp"
#include "maia/regress/compare.hpp"

namespace maia::cli {

struct CompareCliOptions {
  std::string tolerance = "2%";
  std::vector<std::string> metric_tolerances;
  std::string json_file, markdown_file;
  int top = 8;
};

void add_compare_options(po::options_description& desc, CompareCliOptions& o);
// The command line's tolerances (InputError on a malformed one) and attribution settings.
regress::CompareOptions compare_options(const po::variables_map& vm, const CompareCliOptions& o);
void write_file(const std::string& file, const std::string& text);
// Writes the --json-file / --markdown-file copies, prints the chosen rendering, returns the
// comparison's exit code.
int emit_comparison(const regress::Comparison& c, const po::variables_map& vm,
                    const CompareCliOptions& o, const regress::RenderOptions& render);

}  // namespace maia::cli
