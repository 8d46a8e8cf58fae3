#include "maia/versus/versus_run.hpp"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "maia/core/child_process.hpp"
#include "maia/core/error.hpp"
#include "maia/core/exit_codes.hpp"
#include "maia/core/json_reader.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;

// A refusal that a larger tensor-parallel group can cure.
bool capacity_refusal(const std::string& message) {
  return message.find("does not fit") != std::string::npos ||
         message.find("no room") != std::string::npos ||
         message.find("not even one") != std::string::npos;
}

double number_at(const nlohmann::json& doc, const char* pointer, const std::string& file) {
  const nlohmann::json::json_pointer p(pointer);
  if (!doc.contains(p) || !doc.at(p).is_number())
    throw InputError(fmt::format("{}: {}: a number is required", file, pointer));
  return doc.at(p).get<double>();
}

// One chip's runs: its tensor-parallel degree, then the next one up after a capacity refusal.
struct ChipRun {
  VersusResult result;
  std::vector<std::int64_t> degrees;
  std::size_t next = 0;
  std::unique_ptr<ChildProcess> child;
};

void start(ChipRun& c, const VersusSettings& s) {
  c.result.tp = c.degrees[c.next++];
  c.result.run_dir = (fs::path(s.out_dir) / fs::path(c.result.chip.file).stem()).string();
  fs::remove_all(c.result.run_dir);
  fs::create_directories(c.result.run_dir);
  std::vector<std::string> args = s.run_args;
  args.insert(args.end(), {"--chip", c.result.chip.file, "--tp", std::to_string(c.result.tp),
                           "--out", c.result.run_dir});
  const std::string log = (fs::path(c.result.run_dir) / "log.txt").string();
  c.child = std::make_unique<ChildProcess>(s.exe, args, log, log);
}

// True when the chip is done (a result or an error); false when it runs again at a larger tp.
bool finish(ChipRun& c, const ChildExit& e) {
  VersusResult& r = c.result;
  const std::string log = (fs::path(r.run_dir) / "log.txt").string();
  if (e.signal != 0) {
    r.error = fmt::format("crashed: signal {} ({})", e.signal, strsignal(e.signal));
    return true;
  }
  if (e.exit_code != 0) {
    r.error = fmt::format("exit code {}: {}", e.exit_code, child_error_line(log));
    if (e.exit_code == kExitBadInput && capacity_refusal(r.error) && c.next < c.degrees.size()) {
      r.error.clear();
      return false;
    }
    return true;
  }
  const std::string file = (fs::path(r.run_dir) / "summary.json").string();
  try {
    const nlohmann::json doc = JsonReader::parse_file(file);
    r.output_tokens_per_s = number_at(doc, "/throughput/output_tokens_per_s", file);
    r.output_tokens_per_s_per_chip =
        number_at(doc, "/throughput/output_tokens_per_s_per_chip", file);
    r.ttft_p50_ms = number_at(doc, "/latency/ttft_ms/p50", file);
    r.ttft_p99_ms = number_at(doc, "/latency/ttft_ms/p99", file);
    r.tpot_p50_ms = number_at(doc, "/latency/tpot_ms/p50", file);
    r.tpot_p99_ms = number_at(doc, "/latency/tpot_ms/p99", file);
  } catch (const InputError& err) {
    r.error = err.what();
  }
  return true;
}

}  // namespace

double VersusResult::tokens_per_s_per_watt() const {
  return chip.tdp_w > 0 ? output_tokens_per_s_per_chip / chip.tdp_w : 0;
}

double VersusResult::tokens_per_dollar() const {
  return chip.price_per_hour > 0 ? output_tokens_per_s_per_chip * 3600.0 / chip.price_per_hour : 0;
}

std::string resolve_chip_file(const std::string& name, const std::string& configs_dir) {
  if (name.size() > 5 && name.substr(name.size() - 5) == ".json") {
    if (!fs::exists(name)) throw InputError(fmt::format("--chips: {}: no such file", name));
    return name;
  }
  for (const fs::path& dir : {fs::path(configs_dir), fs::path(configs_dir) / "gpus"}) {
    const fs::path f = dir / (name + ".json");
    if (fs::exists(f)) return f.string();
  }
  std::vector<std::string> known;
  for (const fs::path& dir : {fs::path(configs_dir), fs::path(configs_dir) / "gpus"}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".json") known.push_back(e.path().stem().string());
  }
  std::sort(known.begin(), known.end());
  throw InputError(
      fmt::format("--chips: \"{}\" is no chip config (known: {})", name, fmt::join(known, ", ")));
}

std::vector<VersusResult> run_versus(const std::vector<VersusChip>& chips, const VersusSettings& s,
                                     const std::function<void(const VersusResult&)>& on_done) {
  std::vector<ChipRun> runs(chips.size());
  for (std::size_t i = 0; i < chips.size(); ++i) {
    runs[i].result.chip = chips[i];
    if (chips[i].tp > 0) {
      runs[i].degrees = {chips[i].tp};
    } else {
      for (std::int64_t t = 1; t <= std::max<std::int64_t>(1, chips[i].max_tp); t *= 2)
        runs[i].degrees.push_back(t);
    }
  }
  std::size_t next = 0, done = 0;
  std::vector<std::size_t> running;
  while (done < runs.size()) {
    while (next < runs.size() && static_cast<int>(running.size()) < std::max(1, s.jobs)) {
      start(runs[next], s);
      running.push_back(next++);
    }
    bool any = false;
    for (auto it = running.begin(); it != running.end();) {
      ChipRun& c = runs[*it];
      const auto e = c.child->poll(0);
      if (!e) {
        ++it;
        continue;
      }
      any = true;
      c.child.reset();
      if (!finish(c, *e)) {
        start(c, s);  // the next degree up
        ++it;
        continue;
      }
      if (on_done) on_done(c.result);
      ++done;
      it = running.erase(it);
    }
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<VersusResult> out;
  for (auto& r : runs) out.push_back(std::move(r.result));
  return out;
}

}  // namespace maia
