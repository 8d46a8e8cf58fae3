#pragma once
// The chip kinds the simulator knows, and the backend of a config's kind. A new kind is one new
// implementation file of maia/backend/backend.hpp and one line in src/backend/make_backend.cpp.
// Today there is one kind, Maia's dataflow chip (maia/backend/maia_backend.hpp); the GPU kind of
// the GPU-baselines issue comes with its own knob table and this table's second line.
#include <memory>

#include "maia/backend/backend.hpp"
#include "maia/config/chip_config.hpp"
#include "maia/config/gpu_config.hpp"

namespace maia {

// The backend for `cfg`; nothing is elaborated until it first simulates.
std::unique_ptr<Backend> make_backend(const ChipConfig& cfg, const BackendOptions& options = {});
std::unique_ptr<Backend> make_backend(const GpuConfig& cfg, const BackendOptions& options = {});

}  // namespace maia
