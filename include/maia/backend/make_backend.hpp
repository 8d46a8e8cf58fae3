#pragma once
// The chip kinds the simulator knows, and the backend of a config's kind. A new kind is one new
// implementation file of maia/backend/backend.hpp and one line in src/backend/make_backend.cpp.
// Kinds: Maia's dataflow chip (maia/backend/maia_backend.hpp) and GPUs
// (maia/backend/gpu_backend.hpp), each with its own config struct and knob table.
#include <memory>

#include "maia/backend/backend.hpp"
#include "maia/config/any_chip_config.hpp"

namespace maia {

// The backend for `cfg`; nothing is elaborated until it first simulates.
std::unique_ptr<Backend> make_backend(const ChipConfig& cfg, const BackendOptions& options = {});
std::unique_ptr<Backend> make_backend(const GpuConfig& cfg, const BackendOptions& options = {});
// The backend of the config's kind.
std::unique_ptr<Backend> make_backend(const AnyChipConfig& cfg, const BackendOptions& options = {});

}  // namespace maia
