// analytical: the closed-form collective model (system/collective_model.hpp), no network.
#include "maia/netsim/collective_fidelity.hpp"

namespace maia {
namespace {

class Analytical : public CollectiveFidelity {
 public:
  std::string_view name() const override { return "analytical"; }
  std::string_view description() const override {
    return "closed-form alpha-beta per step from the topology's tiers (up to 6,144 chips)";
  }
  CollectiveResult run(const SystemConfig& sys, CollectiveOp op, std::int64_t ranks,
                       std::uint64_t bytes, DType dtype,
                       const std::string& algorithm) const override {
    CollectiveResult r;
    r.fidelity = "analytical";
    r.estimate = estimate_collective(*sys.topology, sys.chip, op, ranks, static_cast<double>(bytes),
                                     dtype, algorithm);
    return r;
  }
};

}  // namespace

std::unique_ptr<CollectiveFidelity> make_analytical_fidelity() {
  return std::make_unique<Analytical>();
}

}  // namespace maia
