#include "maia/backend/make_backend.hpp"

#include "maia/backend/gpu_backend.hpp"
#include "maia/backend/maia_backend.hpp"

namespace maia {

std::unique_ptr<Backend> make_backend(const ChipConfig& cfg, const BackendOptions& options) {
  return std::make_unique<MaiaBackend>(cfg, options);
}

std::unique_ptr<Backend> make_backend(const GpuConfig& cfg, const BackendOptions& options) {
  return std::make_unique<GpuBackend>(cfg, options);
}

std::unique_ptr<Backend> make_backend(const AnyChipConfig& cfg, const BackendOptions& options) {
  return std::visit([&](const auto& c) { return make_backend(c, options); }, cfg);
}

}  // namespace maia
