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
};

const std::vector<VectorFunction>& vector_functions();
const VectorFunction* find_vector_function(const std::string& name);

}  // namespace maia
