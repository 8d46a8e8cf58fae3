// Replays saved fuzz inputs through a fuzz target without libFuzzer (built with g++ in the
// normal build, run by ctest): every file given, or every file under a directory given, in name
// order. With --expect-reject each input must end in InputError/SimulationError (the saved
// inputs are findings that once crashed or threw something else, and must now be rejected
// cleanly); without it, accepted inputs are fine too (seed corpora). A crash or an unexpected
// exception aborts, naming the file on the line before.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_target.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  bool expect_reject = false;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--expect-reject") {
      expect_reject = true;
    } else if (fs::is_directory(arg)) {
      for (const auto& e : fs::recursive_directory_iterator(arg))
        if (e.is_regular_file()) files.push_back(e.path());
    } else if (fs::is_regular_file(arg)) {
      files.emplace_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", arg.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "replay: no inputs given\n");
    return 2;
  }
  int failures = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::fprintf(stderr, "replay: %s\n", f.c_str());
    const auto outcome = maia::fuzz::run_one(ss.str());
    if (expect_reject && outcome != maia::fuzz::Outcome::kRejected) {
      std::fprintf(stderr, "replay: FAIL: %s was accepted, expected an InputError\n", f.c_str());
      ++failures;
    }
  }
  std::fprintf(stderr, "replay: %zu inputs, %d failures\n", files.size(), failures);
  return failures == 0 ? 0 : 1;
}
