#include "maia/core/dtype.hpp"

#include "maia/core/checked_math.hpp"

namespace maia {

std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::kFp4:
      return "fp4";
    case DType::kFp8:
      return "fp8";
    case DType::kBf16:
      return "bf16";
    case DType::kFp16:
      return "fp16";
    case DType::kFp32:
      return "fp32";
  }
  return "?";
}

std::optional<DType> parse_dtype(std::string_view name) {
  for (DType t : {DType::kFp4, DType::kFp8, DType::kBf16, DType::kFp16, DType::kFp32})
    if (dtype_name(t) == name) return t;
  return std::nullopt;
}

int dtype_bits(DType t) {
  switch (t) {
    case DType::kFp4:
      return 4;
    case DType::kFp8:
      return 8;
    case DType::kBf16:
    case DType::kFp16:
      return 16;
    case DType::kFp32:
      return 32;
  }
  return 0;
}

std::uint64_t dtype_bytes(DType t, std::uint64_t elements) {
  const std::uint64_t bits =
      checked_mul(elements, static_cast<std::uint64_t>(dtype_bits(t)), "tensor size in bits");
  const std::uint64_t payload = bits / 8 + (bits % 8 != 0 ? 1 : 0);
  if (t != DType::kFp4) return payload;
  const std::uint64_t blocks = (elements + kMxBlockElements - 1) / kMxBlockElements;
  return payload + blocks;  // one E8M0 scale byte per block
}

std::uint64_t dtype_elements(DType t, std::uint64_t bytes) {
  // FP4: 32 elements take 16 payload bytes + 1 scale byte.
  if (t == DType::kFp4) return bytes * kMxBlockElements / (kMxBlockElements / 2 + 1);
  return bytes * 8 / static_cast<std::uint64_t>(dtype_bits(t));
}

std::uint64_t converted_bytes(DType from, DType to, std::uint64_t bytes) {
  if (from == to) return bytes;
  return dtype_bytes(to, dtype_elements(from, bytes));
}

bool dtype_is_narrow_for_tvp(DType t) { return t != DType::kFp32; }

}  // namespace maia
