#include "maia/workload/tensor_parallel.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

void apply_tensor_parallel(ModelConfig& m, std::int64_t tp, std::int64_t max_tp,
                           const char* option) {
  if (tp < 1) throw InputError(fmt::format("{}: must be >= 1, got {}", option, tp));
  if (tp > max_tp)
    throw InputError(fmt::format(
        "{}: must be at most {} (this chip and the {} peers it has direct links to: a Maia "
        "tray, a GPU's NVLink domain), got {}",
        option, max_tp, max_tp - 1, tp));
  const auto divides = [&](std::int64_t value, const char* field) {
    if (value % tp != 0)
      throw InputError(fmt::format("{} {}: {}'s {} ({}) must divide by the tensor-parallel degree",
                                   option, tp, m.name, field, value));
  };
  divides(m.num_heads, "num_attention_heads");
  divides(m.intermediate_size, "intermediate_size");
  if (m.moe_intermediate_size > 0) divides(m.moe_intermediate_size, "moe_intermediate_size");
  if (m.num_kv_heads % tp != 0 && tp % m.num_kv_heads != 0)
    throw InputError(fmt::format(
        "{} {}: {}'s num_key_value_heads ({}) must divide by the tensor-parallel degree, or the "
        "degree by it (KV heads are then replicated)",
        option, tp, m.name, m.num_kv_heads));
  m.tensor_parallel = tp;
}

}  // namespace maia
