#include "maia/sweep/point_job.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "maia/core/log.hpp"
#include "maia/sweep/sweep_results.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

std::string shell_quote(const std::string& w) {
  if (!w.empty() && w.find_first_of(" \t\n'\"\\$`*?[]{}()<>|&;#~") == std::string::npos) return w;
  std::string q = "'";
  for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

PointJob::PointJob(SweepPoint p, const PointRunSettings& s)
    : point_(std::move(p)), settings_(s), dir_(point_dir(s.out_dir, point_)) {
  fs::remove_all(dir_);  // outputs of an earlier, unfinished or changed run
  fs::create_directories(dir_);
  const std::string chip = (fs::path(dir_) / "chip.json").string();
  write_file_atomic(chip, point_.chip_json + "\n");
  std::vector<std::string> args = {"run"};
  const auto rest = point_run_args(point_, *s.ctx, chip, dir_);
  args.insert(args.end(), rest.begin(), rest.end());
  std::string cmd = shell_quote(s.exe);
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  write_file_atomic((fs::path(dir_) / "command.txt").string(), cmd + "\n");
  child_ = std::make_unique<ChildProcess>(s.exe, args, (fs::path(dir_) / "stdout.txt").string(),
                                          (fs::path(dir_) / "stderr.txt").string());
  logger().debug("sweep: point {} ({}) started: {}", p.index, p.id, cmd);
}

std::optional<OJson> PointJob::poll() {
  const auto e = child_->poll(settings_.timeout_s);
  if (!e) return std::nullopt;
  return result(*e);
}

OJson PointJob::result(const ChildExit& e) const {
  std::string status = kStatusFailed, message;
  OJson metrics = OJson::object();
  if (e.timed_out) {
    message = fmt::format("timed out after {:g} s (--point-timeout)", settings_.timeout_s);
  } else if (e.signal != 0) {
    message = fmt::format("crashed: signal {} ({})", e.signal, strsignal(e.signal));
  } else if (e.exit_code != 0) {
    message = fmt::format("exit code {}: {}", e.exit_code,
                          "error: " + child_error_line((fs::path(dir_) / "stderr.txt").string()));
  } else {
    std::ifstream in(fs::path(dir_) / "summary.json");
    try {
      metrics = point_metrics(nlohmann::json::parse(in));
      status = kStatusOk;
    } catch (const nlohmann::json::exception& ex) {
      message = fmt::format("exit code 0 but no readable summary.json: {}", ex.what());
    }
  }
  logger().debug("sweep: point {} ({}) finished in {:.2f} s: {}{}{}", point_.index, point_.id,
                 e.wall_s, status, message.empty() ? "" : ": ", message);
  OJson doc;
  doc["input_hash"] = point_.input_hash;
  doc["row"] = sweep_row(point_, status, metrics, message);
  doc["exit_code"] = e.exit_code;
  doc["signal"] = e.signal;
  doc["timed_out"] = e.timed_out;
  doc["wall_s"] = e.wall_s;  // host time: for speed figures only, never in the row
  return doc;
}

OJson skipped_point_result(const SweepPoint& p) {
  OJson doc;
  doc["input_hash"] = p.input_hash;
  doc["row"] = sweep_row(p, kStatusSkipped, OJson::object(), p.skip_reason);
  return doc;
}

}  // namespace maia
