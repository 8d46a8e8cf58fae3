// Shared part of every fuzz target: the expected-outcome filter, the scratch files and the entry
// point libFuzzer calls.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>

#include "fuzz_target.hpp"
#include "maia/core/error.hpp"

namespace maia::fuzz {
namespace {

namespace fs = std::filesystem;

// Removes the scratch directory when the process exits normally.
struct Scratch {
  std::string dir;
  Scratch() {
    std::string templ = (fs::temp_directory_path() / "maia-fuzz-XXXXXX").string();
    if (mkdtemp(templ.data()) == nullptr) {
      std::perror("maia fuzz: mkdtemp");
      std::abort();
    }
    dir = templ;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

const std::string& scratch_dir() {
  static const Scratch scratch;
  return scratch.dir;
}

std::string input_file(std::string_view data, const std::string& name) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "maia fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

std::string source_dir() { return MAIA_SOURCE_DIR; }

Outcome run_one(std::string_view data) {
  try {
    run_input(data);
    return Outcome::kAccepted;
  } catch (const InputError&) {
    return Outcome::kRejected;
  } catch (const SimulationError&) {
    return Outcome::kRejected;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "maia fuzz: FINDING: unexpected exception: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "maia fuzz: FINDING: unexpected non-std exception\n");
  }
  std::abort();
}

}  // namespace maia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  maia::fuzz::run_one(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

// libsystemc defines main() and calls sc_main; the fuzz binaries have their own main (libFuzzer's
// or the replay driver's) and never elaborate, but the symbol must exist for the link.
extern "C" int sc_main(int, char*[]) { return 0; }
