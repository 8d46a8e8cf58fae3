#pragma once
// A table of (input, output) token lengths to sample synthetic requests from, read from a CSV
// with a header naming the columns: num_prefill_tokens and num_decode_tokens (the ShareGPT stats
// of sarathi-serve) or ContextTokens and GeneratedTokens (an Azure trace). Other columns are
// ignored. Strict: any malformed row is an InputError with file and line.
#include <cstdint>
#include <istream>
#include <string>
#include <vector>

namespace maia {

struct LengthSample {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
};

std::vector<LengthSample> read_length_table(std::istream& in, const std::string& name);
std::vector<LengthSample> read_length_table_file(const std::string& file);

}  // namespace maia
