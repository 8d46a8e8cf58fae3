#include "maia/workload/expert_parallel.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

void apply_expert_parallel(ModelConfig& m, std::int64_t ep, const char* option) {
  if (ep < 1) throw InputError(fmt::format("{}: must be >= 1, got {}", option, ep));
  if (ep > 1 && !m.is_moe())
    throw InputError(fmt::format(
        "{} {}: {} has no routed experts (expert parallelism applies to MoE models only)", option,
        ep, m.name));
  if (ep > 1 && m.num_experts % ep != 0)
    throw InputError(
        fmt::format("{} {}: {}'s num_local_experts ({}) must divide by the expert-parallel degree",
                    option, ep, m.name, m.num_experts));
  m.expert_parallel = ep;
}

}  // namespace maia
