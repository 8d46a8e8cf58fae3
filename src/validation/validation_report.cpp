#include "maia/validation/validation_report.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"
#include "maia/report/percentiles.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;

ErrorStats stats_of(const std::string& group, const std::vector<double>& errors) {
  ErrorStats s;
  s.group = group;
  s.rows = static_cast<std::int64_t>(errors.size());
  if (errors.empty()) return s;
  std::vector<double> abs;
  for (double e : errors) abs.push_back(std::fabs(e));
  s.median_abs_pct = percentile(abs, 50);
  s.p90_abs_pct = percentile(abs, 90);
  s.max_abs_pct = percentile(abs, 100);
  s.median_pct = percentile(errors, 50);
  return s;
}

std::string hardware_group(const RowOutcome& o) {
  return fs::path(o.plan.chip_file).stem().string();
}

bool selected(const std::vector<bool>& in_half, std::size_t i) {
  return in_half.empty() || in_half[i];
}

std::string status_name(RowStatus s) {
  switch (s) {
    case RowStatus::kPredicted:
      return "predicted";
    case RowStatus::kSkipped:
      return "skipped";
    case RowStatus::kFailed:
      return "failed";
  }
  return "?";
}

nlohmann::ordered_json stats_json(const ErrorStats& s) {
  return {{"rows", s.rows},
          {"median_abs_error_pct", s.median_abs_pct},
          {"p90_abs_error_pct", s.p90_abs_pct},
          {"max_abs_error_pct", s.max_abs_pct},
          {"median_error_pct", s.median_pct}};
}

std::ofstream open_out(const std::string& file) {
  std::ofstream out(file, std::ios::binary);
  if (!out) throw InputError(fmt::format("{}: cannot write", file));
  return out;
}

}  // namespace

ValidationSummary summarise_validation(const std::vector<RowOutcome>& outcomes,
                                       const std::vector<bool>& in_half, const std::string& half) {
  ValidationSummary s;
  s.half = half;
  std::vector<double> all;
  std::map<std::string, std::vector<double>> hw, metric;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (!selected(in_half, i)) continue;
    const RowOutcome& o = outcomes[i];
    ++s.rows;
    if (o.status == RowStatus::kSkipped) ++s.skipped;
    if (o.status == RowStatus::kFailed) ++s.failed;
    if (o.status != RowStatus::kPredicted) continue;
    ++s.predicted;
    all.push_back(o.error_pct);
    hw[hardware_group(o)].push_back(o.error_pct);
    metric[o.row->metric].push_back(o.error_pct);
  }
  s.all = stats_of("all", all);
  for (const auto& [k, v] : hw) s.by_hardware.push_back(stats_of(k, v));
  for (const auto& [k, v] : metric) s.by_metric.push_back(stats_of(k, v));
  return s;
}

nlohmann::ordered_json validation_summary_json(const ValidationSummary& s) {
  nlohmann::ordered_json j;
  j["half"] = s.half;
  j["rows"] = {
      {"total", s.rows}, {"predicted", s.predicted}, {"skipped", s.skipped}, {"failed", s.failed}};
  j["all"] = stats_json(s.all);
  j["by_hardware"] = nlohmann::ordered_json::object();
  for (const auto& h : s.by_hardware) j["by_hardware"][h.group] = stats_json(h);
  j["by_metric"] = nlohmann::ordered_json::object();
  for (const auto& m : s.by_metric) j["by_metric"][m.group] = stats_json(m);
  return j;
}

void write_validation_outputs(const MeasuredResults& input, const std::vector<RowOutcome>& outcomes,
                              const std::vector<bool>& in_half, const ValidationSummary& s,
                              const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create the folder: {}", dir, ec.message()));
  {
    auto out = open_out((fs::path(dir) / "validation.csv").string());
    auto header = input.header;
    for (const char* c : {"line", "chip_config", "predicted", "error_pct", "notes"})
      header.push_back(c);
    out << csv_row(header);
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      const RowOutcome& o = outcomes[i];
      if (!selected(in_half, i) || o.status != RowStatus::kPredicted) continue;
      auto fields = o.row->fields;
      std::string notes;
      for (const auto& n : o.plan.notes) notes += (notes.empty() ? "" : "; ") + n;
      fields.push_back(std::to_string(o.row->line));
      fields.push_back(o.plan.chip_file);
      fields.push_back(fmt::format("{:.6g}", o.predicted));
      fields.push_back(fmt::format("{:+.2f}", o.error_pct));
      fields.push_back(notes);
      out << csv_row(fields);
    }
  }
  {
    auto out = open_out((fs::path(dir) / "skipped.csv").string());
    out << csv_row({"line", "hardware", "model", "metric", "status", "reason"});
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      const RowOutcome& o = outcomes[i];
      if (!selected(in_half, i) || o.status == RowStatus::kPredicted) continue;
      out << csv_row({std::to_string(o.row->line), o.row->hardware, o.row->model, o.row->metric,
                      status_name(o.status), o.reason});
    }
  }
  auto out = open_out((fs::path(dir) / "summary.json").string());
  out << validation_summary_json(s).dump(2) << "\n";
}

std::string validation_markdown(const ValidationSummary& s) {
  std::string md = fmt::format(
      "Rows: {} ({} half), predicted {}, skipped {}, failed {}.\n\n"
      "| group | rows | median abs error | p90 abs error | max abs error | median signed error |\n"
      "|---|---|---|---|---|---|\n",
      s.rows, s.half, s.predicted, s.skipped, s.failed);
  auto row = [&md](const std::string& label, const ErrorStats& e) {
    md += fmt::format("| {} | {} | {:.1f}% | {:.1f}% | {:.1f}% | {:+.1f}% |\n", label, e.rows,
                      e.median_abs_pct, e.p90_abs_pct, e.max_abs_pct, e.median_pct);
  };
  row("**all**", s.all);
  for (const auto& h : s.by_hardware) row("hardware " + h.group, h);
  for (const auto& m : s.by_metric) row("metric " + m.group, m);
  return md;
}

}  // namespace maia
