#pragma once
// One operator of an iteration: its shape (a GEMM, an attention over a batch of sequences, an
// elementwise/row-wise TVP function or a collective over the chips of a tensor-parallel group),
// dependencies on earlier operators, and its cost: FLOPs and the bytes it moves per memory class
// and over the network. `signature` (shape and datatypes, no layer index) is equal
// for operators with equal cost, so identical layers are recognised and compiled once.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "maia/core/dtype.hpp"

namespace maia {

enum class EngineClass { kTtu, kTvp, kTtuTvp, kNic };
std::string_view engine_class_name(EngineClass e);  // "ttu", "tvp", "ttu+tvp", "nic"

// out[m x n] = a[m x k] * b[k x n]; b is the weight matrix.
struct GemmShape {
  std::int64_t m = 0, n = 0, k = 0;
  DType a_dtype = DType::kBf16, b_dtype = DType::kBf16, out_dtype = DType::kBf16;
  bool operator==(const GemmShape&) const = default;
};

// One sequence of an attention: q_tokens new queries at the end of kv_tokens keys (causal).
struct AttentionSequence {
  std::int64_t q_tokens = 0;
  std::int64_t kv_tokens = 0;
  bool operator==(const AttentionSequence&) const = default;
};

// head_dim is the query/key width. Values may be narrower (v_head_dim; 0: head_dim), and with
// latent_kv one cached vector per token serves as both key and value (multi-head latent
// attention's absorbed form: the value is the key's leading v_head_dim entries), so the cache
// holds and the kernel reads it once.
struct AttentionShape {
  std::vector<AttentionSequence> sequences;
  std::int64_t heads = 0, kv_heads = 0, head_dim = 0;
  std::int64_t v_head_dim = 0;
  bool latent_kv = false;
  std::int64_t window = 0;  // sliding window in tokens, 0: none
  // A learned sink logit per head joins every softmax row (gpt-oss): one more exponent and add
  // per query row and head, and the heads' sink values (BF16) read as weights.
  bool sinks = false;
  DType q_dtype = DType::kBf16, kv_dtype = DType::kBf16;
  std::int64_t value_dim() const { return v_head_dim > 0 ? v_head_dim : head_dim; }
  // Cached elements per token and KV head: key and value, or the one latent vector.
  std::int64_t cache_dim() const { return latent_kv ? head_dim : head_dim + value_dim(); }
  bool operator==(const AttentionShape&) const = default;
};

// `elements` values in `rows` rows through one TVP function (see vector_functions.cpp).
struct VectorShape {
  std::string function;
  std::int64_t elements = 0;
  std::int64_t rows = 1;
  DType dtype = DType::kBf16;
  bool operator==(const VectorShape&) const = default;
};

// A collective over `ranks` chips (a tensor- or expert-parallel group), each holding `elements`
// values of `dtype`. all_reduce: every chip ends with the elementwise sum of all chips' buffers
// (reduce-scatter, then all-gather); all_gather: every chip holds elements / ranks of the result
// and ends with all of it (`elements` must divide by `ranks` for both); all_to_all: every chip
// sends an equal share of its `elements` to each rank (itself included: (ranks - 1) / ranks of
// the buffer leaves the chip), as MoE expert parallelism's dispatch and combine do.
enum class CollectiveKind { kAllReduce, kAllGather, kAllToAll };
// "all_reduce", "all_gather", "all_to_all"
std::string_view collective_kind_name(CollectiveKind k);

struct CollectiveShape {
  CollectiveKind kind = CollectiveKind::kAllReduce;
  std::int64_t elements = 0;
  std::int64_t ranks = 2;
  DType dtype = DType::kBf16;
  bool operator==(const CollectiveShape&) const = default;
};

using OpShape = std::variant<GemmShape, AttentionShape, VectorShape, CollectiveShape>;

struct OpCost {
  std::uint64_t flops = 0;
  std::uint64_t weight_bytes = 0;
  std::uint64_t activation_read_bytes = 0;
  std::uint64_t activation_write_bytes = 0;
  std::uint64_t kv_read_bytes = 0;
  std::uint64_t kv_write_bytes = 0;
  std::uint64_t network_bytes = 0;  // sent by this chip to its tray peers (collectives)
  OpCost& operator+=(const OpCost& o);
  bool operator==(const OpCost&) const = default;
};

struct Operator {
  std::string name;  // role, e.g. "qkv_proj", "expert3.gate"
  int layer = -1;    // decoder layer, -1 outside the layers (embedding, head)
  OpShape shape;
  std::vector<int> deps;  // indices of earlier operators
  OpCost cost;
  std::string signature;

  std::string_view kind() const;  // "gemm", "attention", "vector", "collective"
  EngineClass engine() const;
  bool operator==(const Operator&) const = default;
};

// Sum over query tokens of the keys each attends to (causal, optionally windowed).
std::int64_t attention_pairs(const AttentionSequence& s, std::int64_t window);
// Keys read from the KV cache for one sequence (all keys any of its queries attends to).
std::int64_t attention_kv_span(const AttentionSequence& s, std::int64_t window);

// Refuses a shape beyond the simulator's work limits (core/work_limits.hpp) with its numbers;
// `where` names the operator. Sizes derived from an accepted shape fit 64 bits.
void check_operator_scale(const OpShape& shape, const std::string& where);

// Cost by the generic rules (GEMM: b is weights; attention: K and V from the KV cache; vector:
// reads `arity` inputs of `elements`, writes `elements`; collective: see collective_cost). The
// graph builder refines it per role.
OpCost generic_cost(const OpShape& shape);

// The signature: the role with any expert index removed, then shape and datatypes.
std::string op_signature(const std::string& name, const OpShape& shape);

// A collective's cost on one chip of a group of N (B = the buffer's bytes): all_reduce sends and
// receives 2 (N - 1) / N B (reduce-scatter then all-gather), and the TVP adds the N shards of
// B / N it owns; all_gather and all_to_all send and receive (N - 1) / N B. HBM bytes are
// what the NIC DMA reads and writes plus the TVP's reads and writes.
OpCost collective_cost(const CollectiveShape& c);

}  // namespace maia
