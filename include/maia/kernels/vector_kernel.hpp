#pragma once
// An elementwise or row-wise TVP function over tensors in HBM, spread over every enabled tile.
// Each tile streams its share in chunks through a double-buffered pipeline:
//   cluster DMA  HBM -> CSRAM (inputs)        tile DMA  CSRAM -> TSRAM
//   TVP          the function                 tile DMA  TSRAM -> CSRAM
//   cluster DMA  CSRAM -> HBM (output)
// Rows are never split across chunks or tiles (softmax and norms need a whole row).
#include <cstdint>
#include <string>

#include "maia/config/chip_config.hpp"
#include "maia/core/dtype.hpp"
#include "maia/kernels/kernel_placement.hpp"
#include "maia/program/program.hpp"

namespace maia {

struct VectorSpec {
  std::string function;
  std::int64_t elements = 0;
  std::int64_t rows = 1;
  int inputs = 1;  // tensors read, each of `elements`
  DType dtype = DType::kBf16;
  DType out_dtype = DType::kBf16;
  KernelPlacement place;
};

// Throws InputError when the shape is empty or a row cannot fit a tile's buffers.
Program build_vector_kernel(const ChipConfig& chip, const VectorSpec& spec);

// Inputs of a TVP function as the workload layer counts them (add, mul, swiglu: 2; fma: 3).
int vector_function_inputs(const std::string& function);

}  // namespace maia
