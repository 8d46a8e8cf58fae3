#pragma once
// Does a model with a batch fit in HBM? Weights + KV cache + an activation workspace estimate,
// all per chip: with tensor parallelism (ModelConfig::tensor_parallel) each chip's share.
#include <cstdint>
#include <vector>

#include "maia/report/memory_footprint.hpp"
#include "maia/workload/batch.hpp"
#include "maia/workload/model_config.hpp"
#include "maia/workload/quantization.hpp"

namespace maia {

// K and V of every layer for cached + new tokens of every sequence (the chip's KV heads). With
// per-layer attention (ModelConfig::layer_windows, gpt-oss layer_types) a sliding layer of window
// W holds min(tokens, W) tokens of each sequence.
std::uint64_t kv_cache_bytes(const ModelConfig& m, DType kv, const std::vector<Sequence>& batch);

MemoryFootprint memory_footprint(const ModelConfig& m, const Quantization& q,
                                 const std::vector<Sequence>& batch);

// The footprint; throws InputError "model does not fit: weights X GB + KV Y GB + workspace Z GB
// > HBM W GB" when it exceeds hbm_bytes.
MemoryFootprint check_capacity(const ModelConfig& m, const Quantization& q,
                               const std::vector<Sequence>& batch, std::uint64_t hbm_bytes);

}  // namespace maia
