#include "maia/validation/validation_run.hpp"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "maia/core/child_process.hpp"
#include "maia/core/error.hpp"
#include "maia/core/exit_codes.hpp"
#include "maia/core/log.hpp"
#include "maia/serving/length_table.hpp"
#include "maia/validation/validation_aliases.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;

struct Run {
  std::vector<std::string> args;
  std::string dir;
  std::vector<std::size_t> rows;  // outcomes this run answers
};

}  // namespace

std::int64_t write_benchmark_sharegpt_lengths(const std::string& source, const std::string& file) {
  std::ofstream out(file, std::ios::binary);
  if (!out) throw InputError(fmt::format("{}: cannot write", file));
  out << "num_prefill_tokens,num_decode_tokens\n";
  std::int64_t kept = 0;
  for (const LengthSample& s : read_length_table_file(source)) {
    if (s.input_tokens < 4 || s.input_tokens > 1024 || s.output_tokens < 4 ||
        s.input_tokens + s.output_tokens > 2048)
      continue;
    out << s.input_tokens << ',' << s.output_tokens << '\n';
    ++kept;
  }
  if (kept == 0)
    throw InputError(fmt::format("{}: no row within the ShareGPT benchmark's lengths", source));
  if (!out) throw InputError(fmt::format("{}: write error", file));
  return kept;
}

std::vector<RowOutcome> run_validation(const std::vector<MeasuredRow>& rows,
                                       const ValidationRunSettings& s) {
  std::vector<RowOutcome> out(rows.size());
  std::vector<Run> runs;
  std::map<std::vector<std::string>, std::size_t> by_args;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out[i].row = &rows[i];
    RowDecision d = plan_row(rows[i], s.plan);
    if (auto* skip = std::get_if<RowSkip>(&d)) {
      out[i].status = RowStatus::kSkipped;
      out[i].reason = skip->reason;
      continue;
    }
    out[i].plan = std::get<RowPlan>(std::move(d));
    auto args = out[i].plan.run_args(s.plan);
    args.insert(args.end(), s.extra_args.begin(), s.extra_args.end());
    auto [it, fresh] = by_args.try_emplace(args, runs.size());
    if (fresh)
      runs.push_back(
          {args, (fs::path(s.out_dir) / "runs" / std::to_string(runs.size())).string(), {}});
    runs[it->second].rows.push_back(i);
  }

  // Runs `jobs` children at a time, polling (never blocking on one).
  std::size_t next = 0, done = 0;
  std::vector<std::pair<std::size_t, std::unique_ptr<ChildProcess>>> running;
  auto finish = [&](const Run& run, const ChildExit& e) {
    const std::string log = (fs::path(run.dir) / "log.txt").string();
    for (std::size_t i : run.rows) {
      RowOutcome& o = out[i];
      o.run_dir = run.dir;
      if (e.timed_out || e.signal != 0 || (e.exit_code != 0 && e.exit_code != kExitBadInput)) {
        o.status = RowStatus::kFailed;
        o.reason = e.timed_out ? fmt::format("timed out after {:g} s", s.run_timeout_s)
                   : e.signal
                       ? fmt::format("crashed: signal {} ({})", e.signal, strsignal(e.signal))
                       : fmt::format("exit code {}: {}", e.exit_code, child_error_line(log));
        continue;
      }
      if (e.exit_code == kExitBadInput) {
        o.status = RowStatus::kSkipped;
        o.reason = "maia-sim run refused it: " + child_error_line(log);
        continue;
      }
      try {
        o.predicted = read_prediction(o.plan, (fs::path(run.dir) / "summary.json").string());
        o.error_pct = (o.predicted - o.plan.measured) / o.plan.measured * 100.0;
        o.status = RowStatus::kPredicted;
      } catch (const InputError& err) {
        o.status = RowStatus::kFailed;
        o.reason = err.what();
      }
    }
  };
  while (done < runs.size()) {
    while (next < runs.size() && static_cast<int>(running.size()) < std::max(1, s.jobs)) {
      const Run& run = runs[next];
      fs::remove_all(run.dir);
      fs::create_directories(run.dir);
      auto args = run.args;
      args.push_back("--out");
      args.push_back(run.dir);
      const std::string log = (fs::path(run.dir) / "log.txt").string();
      logger().debug("validate: run {} started", next);
      running.emplace_back(next, std::make_unique<ChildProcess>(s.exe, args, log, log));
      ++next;
    }
    bool any = false;
    for (auto it = running.begin(); it != running.end();) {
      if (const auto e = it->second->poll(s.run_timeout_s)) {
        finish(runs[it->first], *e);
        it = running.erase(it);
        ++done;
        any = true;
        if (s.progress)
          s.progress(static_cast<std::int64_t>(done), static_cast<std::int64_t>(runs.size()));
      } else {
        ++it;
      }
    }
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return out;
}

std::vector<bool> fit_half(const std::vector<MeasuredRow>& rows) {
  std::vector<bool> fit(rows.size(), false);
  std::map<std::string, int> experiments_seen;  // per hardware
  std::map<std::string, bool> experiment_half;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const MeasuredRow& r = rows[i];
    const std::string hw = normalised_name(r.hardware);
    const std::string key =
        fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", hw, r.devices, r.tp,
                    r.model, r.precision, r.engine, r.isl, r.osl, r.batch_or_concurrency);
    auto [it, fresh] = experiment_half.try_emplace(key, false);
    if (fresh) it->second = experiments_seen[hw]++ % 2 == 0;
    fit[i] = it->second;
  }
  return fit;
}

}  // namespace maia
