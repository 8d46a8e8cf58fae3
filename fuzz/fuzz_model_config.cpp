// Fuzz target: a Hugging Face model config.json (load_model with a file path).
#include "fuzz_target.hpp"
#include "maia/workload/model_config.hpp"

namespace maia::fuzz {

void run_input(std::string_view data) { load_model(input_file(data, "model.json"), scratch_dir()); }

}  // namespace maia::fuzz
