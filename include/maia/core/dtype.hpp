#pragma once
// Tensor datatypes and their storage cost. FP4 is OCP MXFP4: 4-bit elements plus one E8M0
// scale byte per block of 32 elements, and the scale bytes are counted wherever data moves.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maia {

enum class DType { kFp4, kFp8, kBf16, kFp16, kFp32 };

inline constexpr int kMxBlockElements = 32;

std::string_view dtype_name(DType t);
std::optional<DType> parse_dtype(std::string_view name);
// Bits per element, excluding block scales.
int dtype_bits(DType t);
// Bytes needed to store `elements` values, including MX block-scale bytes for FP4.
std::uint64_t dtype_bytes(DType t, std::uint64_t elements);
// Elements held in `bytes` of storage (the inverse of dtype_bytes, rounded down).
std::uint64_t dtype_elements(DType t, std::uint64_t bytes);
// Bytes that `bytes` of `from` data occupy once converted to `to`.
std::uint64_t converted_bytes(DType from, DType to, std::uint64_t bytes);
// True for datatypes the TVP processes at its 16-bit (wide) lane count.
bool dtype_is_narrow_for_tvp(DType t);

}  // namespace maia
