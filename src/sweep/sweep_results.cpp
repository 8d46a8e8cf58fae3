#include "maia/sweep/sweep_results.hpp"

#include <algorithm>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"
#include "maia/sweep/key_metrics.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

const std::set<std::string> kRowFixed = {"index", "id", "status", "message"};

std::string csv_cell(const OJson& v) {
  if (v.is_null()) return "";
  return csv_quote(v.is_string() ? v.get<std::string>() : v.dump());
}

}  // namespace

OJson sweep_row(const SweepPoint& p, const std::string& status, const OJson& metrics,
                const std::string& message) {
  OJson row;
  row["index"] = p.index;
  row["id"] = p.id;
  row["status"] = status;
  for (auto it = p.params.begin(); it != p.params.end(); ++it) row[it.key()] = it.value();
  for (auto it = metrics.begin(); it != metrics.end(); ++it) row[it.key()] = it.value();
  row["message"] = message;
  return row;
}

OJson point_metrics(const nlohmann::json& summary) { return summary_key_metrics(summary); }

void write_file_atomic(const std::string& file, const std::string& text) {
  const std::string tmp = fmt::format("{}.tmp.{}", file, getpid());
  {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw InputError(fmt::format("{}: cannot write file", tmp));
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) {
        ::close(fd);
        throw InputError(fmt::format("{}: write failed", tmp));
      }
      done += static_cast<std::size_t>(n);
    }
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) throw InputError(fmt::format("{}: cannot rename to {}: {}", tmp, file, ec.message()));
}

std::string point_dir(const std::string& out_dir, const SweepPoint& p) {
  return (fs::path(out_dir) / "points" / p.id).string();
}

void write_point_result(const std::string& out_dir, const SweepPoint& p, const OJson& result) {
  const std::string dir = point_dir(out_dir, p);
  fs::create_directories(dir);
  write_file_atomic((fs::path(dir) / "result.json").string(), result.dump(2) + "\n");
}

std::optional<OJson> load_point_row(const std::string& out_dir, const SweepPoint& p) {
  const fs::path file = fs::path(point_dir(out_dir, p)) / "result.json";
  std::ifstream in(file);
  if (!in) return std::nullopt;
  try {
    const OJson doc = OJson::parse(in);
    if (doc.value("input_hash", "") != p.input_hash || !doc.contains("row")) return std::nullopt;
    OJson row = doc["row"];
    row["index"] = p.index;  // the same point may sit elsewhere in an edited spec
    return row;
  } catch (const OJson::exception&) {
    return std::nullopt;  // unreadable: run the point again
  }
}

ResultsLog::ResultsLog(const std::string& file) : file_(file) {
  fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd_ < 0) throw InputError(fmt::format("{}: cannot open for appending", file));
}

ResultsLog::~ResultsLog() {
  if (fd_ >= 0) ::close(fd_);
}

void ResultsLog::append(const OJson& row) {
  const std::string line = row.dump() + "\n";
  if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
    throw InputError(fmt::format("{}: write failed", file_));
  ::fsync(fd_);
}

std::string results_csv(const std::vector<OJson>& rows) {
  std::vector<std::string> params;
  std::set<std::string> seen, metrics;
  for (const auto& r : rows)
    for (auto it = r.begin(); it != r.end(); ++it) {
      if (kRowFixed.count(it.key())) continue;
      if (find_metric(it.key())) {
        metrics.insert(it.key());
      } else if (seen.insert(it.key()).second) {
        params.push_back(it.key());
      }
    }
  std::vector<std::string> cols = {"index", "id", "status"};
  cols.insert(cols.end(), params.begin(), params.end());
  for (const auto& m : key_metrics())
    if (metrics.count(m.name)) cols.push_back(m.name);
  cols.push_back("message");
  std::string out;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) out += ',';
    out += csv_quote(cols[i]);
  }
  out += '\n';
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (i) out += ',';
      if (r.contains(cols[i])) out += csv_cell(r[cols[i]]);
    }
    out += '\n';
  }
  return out;
}

void write_results_tables(const std::string& out_dir, const std::string& name,
                          const std::vector<OJson>& rows) {
  std::string jsonl;
  for (const auto& r : rows) jsonl += r.dump() + "\n";
  write_file_atomic((fs::path(out_dir) / (name + ".jsonl")).string(), jsonl);
  write_file_atomic((fs::path(out_dir) / (name + ".csv")).string(), results_csv(rows));
}

std::vector<OJson> read_results_jsonl(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw InputError(fmt::format("{}: cannot open file", file));
  std::vector<OJson> rows;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    rows.push_back(parse_json_text<OJson>(line, file, static_cast<std::size_t>(n)));
    if (!rows.back().is_object() || !rows.back().contains("status"))
      throw InputError(fmt::format("{}:{}: a results row needs a status", file, n));
  }
  return rows;
}

}  // namespace maia
