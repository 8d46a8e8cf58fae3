#pragma once
// Set-up shared by the unit tests that run workloads on the default chip: the source tree, the
// shipped Maia 200 config and models, FP8 everywhere, and one ChipSession + OpExecutor per test
// process (SystemC elaborates once per process), with the backend that runs on them.
#include <string>

#include "maia/backend/maia_backend.hpp"
#include "maia/compiler/op_executor.hpp"
#include "maia/config/config_loader.hpp"
#include "maia/sim/program_run.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/quantization.hpp"

namespace maia::test {

inline const std::string kSource = MAIA_SOURCE_DIR;
inline const Quantization kFp8{DType::kFp8, DType::kFp8, DType::kFp8};

inline const ChipConfig& chip() {
  static const ChipConfig cfg = load_chip_config(kSource + "/configs/maia200.json", {});
  return cfg;
}

inline ModelConfig llama8b() { return load_model("llama-3.1-8b", kSource + "/configs/models"); }

struct Rig {
  ChipSession session{chip()};
  OpExecutor exec{session, chip()};
  MaiaBackend backend{session, exec};
};

inline Rig& rig() {
  static Rig* r = new Rig;  // never destroyed: SystemC is torn down after sc_main
  return *r;
}

}  // namespace maia::test
