#pragma once
// Attention (GQA, causal, optional sliding window) over a batch of sequences, flash-style.
//
// Work items are (sequence, KV head, query block, KV partition): the query block holds up to
// 512 rows (new tokens x the heads sharing the KV head); long KV ranges are split into
// partitions when there are fewer items than 4 per tile (flash-decoding): each partition reads
// its Q and writes a partial O (the final combine of partials is not modelled separately). Items
// are dealt round-robin to the tiles. Per item a tile loads Q, then for every KV block of 512
// tokens: K and V HBM -> CSRAM -> TSRAM (double-buffered), the TTU computes S = Q K^T, the TVP the
// online softmax of S (exponentials at the scores' precision, kernels.attention_scores; the
// running row max and sum in FP32) and, from the second block on, rescales O (FP32) by the
// change of the running max once the previous block's P V is in; then the TTU adds P V to O.
// The TTU runs the next block's S while the TVP works on this one. Finally the TVP normalises O
// and it is written back to HBM.
// Wide heads (multi-head latent attention: a 576-wide latent key shared by all heads) use KV
// blocks of 256, 128 or 64 tokens when 512 would not fit the tile's TSRAM; with a latent KV the
// value is read from the key's slot, so no V is loaded.
#include <cstdint>
#include <vector>

#include "maia/config/chip_config.hpp"
#include "maia/core/dtype.hpp"
#include "maia/kernels/kernel_placement.hpp"
#include "maia/program/program.hpp"

namespace maia {

struct AttentionSeq {
  std::int64_t q_tokens = 0;   // new tokens (queries), the last of the sequence
  std::int64_t kv_tokens = 0;  // keys and values in the cache, including the new tokens
};

struct AttentionSpec {
  std::vector<AttentionSeq> sequences;
  std::int64_t heads = 0, kv_heads = 0, head_dim = 0;
  std::int64_t v_head_dim = 0;  // value width, 0: head_dim
  bool latent_kv = false;       // V is K's leading v_head_dim entries (MLA): K alone is loaded
  std::int64_t window = 0;      // sliding window in tokens, 0: none
  DType q_dtype = DType::kBf16, kv_dtype = DType::kBf16;
  // Scores S and the exponentials: kBf16 or kFp32 (ChipConfig::kernels.attention_scores).
  DType score_dtype = DType::kBf16;
  KernelPlacement place;
};

Program build_attention_kernel(const ChipConfig& chip, const AttentionSpec& spec);

}  // namespace maia
