#pragma once
// The TVP's function table: how many pipe operations and FLOPs one element costs. Costs are
// per element of the (first) input; transcendental functions are polynomial approximations.
#include <string>
#include <vector>

namespace maia {

struct VectorFunction {
  std::string name;
  double pipe_ops_per_element;  // issue slots of one lane's FMA pipes
  double flops_per_element;     // reported FLOPs
  std::string meaning;
  // Further issue slots that run on the FP32 lanes whatever the instruction's datatype (the
  // running statistics of an online softmax).
  double fp32_pipe_ops_per_element = 0;
};

const std::vector<VectorFunction>& vector_functions();
const VectorFunction* find_vector_function(const std::string& name);

}  // namespace maia
