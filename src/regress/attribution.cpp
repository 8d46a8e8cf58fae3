#include "maia/regress/attribution.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "maia/core/csv.hpp"
#include "maia/core/decimal.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_text.hpp"

namespace maia::regress {
namespace {

double number(const std::string& text, const std::string& where, const std::string& column) {
  if (const auto v = parse_decimal(text)) return *v;
  throw InputError(
      fmt::format("{}: {}: must be a number, got \"{}\"", where, column, brief_plain(text)));
}

// Moved: more than rounding in ops.csv's 6 decimals.
bool moved(double a, double b) { return std::fabs(a - b) > 5e-6 * std::max(1.0, std::fabs(a)); }

}  // namespace

std::string engine_of_bound(const std::string& bound) {
  if (bound == "compute") return "TTU";
  if (bound == "vector") return "TVP";
  if (bound == "hbm") return "HBM";
  if (bound == "sram") return "SRAM";
  return bound.empty() ? "?" : bound;
}

std::vector<OpRow> read_ops_csv(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file", file));
  CsvReader csv(in, file);
  CsvRecord header_record;
  if (!csv.next(header_record)) throw InputError(fmt::format("{}: empty file", file));
  const std::vector<std::string>& header = header_record.fields;
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* need : {"phase", "name", "time_us"})
    if (!col.count(need))
      throw InputError(
          fmt::format("{}:1: no '{}' column (an ops.csv: docs/outputs.md)", file, need));
  std::vector<OpRow> rows;
  CsvRecord record;
  while (csv.next(record)) {
    if (record.blank()) continue;
    const std::string where = fmt::format("{}:{}", file, record.line);
    const auto& f = record.fields;
    if (f.size() != header.size())
      throw InputError(
          fmt::format("{}: {} fields, the header has {}", where, f.size(), header.size()));
    const auto text = [&](const char* c) { return col.count(c) ? f[col[c]] : std::string(); };
    const auto num = [&](const char* c) {
      return col.count(c) ? number(f[col[c]], where, c) : 0.0;
    };
    OpRow r;
    r.phase = text("phase");
    r.name = text("name");
    r.kind = text("kind");
    r.bound = text("bound");
    r.time_us = num("time_us");
    r.flops = num("flops");
    r.hbm_bytes = num("hbm_bytes");
    r.sram_bytes = num("sram_bytes");
    rows.push_back(std::move(r));
  }
  return rows;
}

Attribution attribute(const std::vector<OpRow>& base, const std::vector<OpRow>& cand, int top) {
  Attribution a;
  a.available = true;
  // Operators by (phase, name), in first-seen order (baseline first).
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  std::vector<OpDelta> groups;
  std::vector<double> largest_base, largest_cand;
  std::map<std::string, EngineDelta> engines;
  std::vector<std::string> engine_order;
  double hbm[2] = {0, 0}, sram[2] = {0, 0}, flops[2] = {0, 0};
  const auto add = [&](const std::vector<OpRow>& rows, int side) {
    for (const auto& r : rows) {
      const auto key = std::make_pair(r.phase, r.name);
      auto it = index.find(key);
      if (it == index.end()) {
        it = index.emplace(key, groups.size()).first;
        OpDelta d;
        d.phase = r.phase;
        d.name = r.name;
        d.kind = r.kind;
        groups.push_back(d);
        largest_base.push_back(-1);
        largest_cand.push_back(-1);
      }
      OpDelta& g = groups[it->second];
      double& largest = side == 0 ? largest_base[it->second] : largest_cand[it->second];
      if (r.time_us > largest) {
        largest = r.time_us;
        (side == 0 ? g.bound_base : g.bound_cand) = r.bound;
      }
      (side == 0 ? g.base_us : g.cand_us) += r.time_us;
      ++(side == 0 ? g.count_base : g.count_cand);
      (side == 0 ? a.base_total_us : a.cand_total_us) += r.time_us;
      auto [e, inserted] = engines.try_emplace(r.bound);
      if (inserted) {
        engine_order.push_back(r.bound);
        e->second.bound = r.bound;
        e->second.engine = engine_of_bound(r.bound);
      }
      (side == 0 ? e->second.base_us : e->second.cand_us) += r.time_us;
      ++(side == 0 ? e->second.ops_base : e->second.ops_cand);
      hbm[side] += r.hbm_bytes;
      sram[side] += r.sram_bytes;
      flops[side] += r.flops;
    }
  };
  add(base, 0);
  add(cand, 1);
  std::vector<OpDelta> changed;
  for (const auto& g : groups)
    if (moved(g.base_us, g.cand_us) || g.bound_base != g.bound_cand) changed.push_back(g);
  a.operators_changed = static_cast<int>(changed.size());
  for (const auto& g : changed) a.moved_us += std::fabs(g.delta_us());
  std::stable_sort(changed.begin(), changed.end(), [](const OpDelta& x, const OpDelta& y) {
    return std::fabs(x.delta_us()) > std::fabs(y.delta_us());
  });
  if (top >= 0 && changed.size() > static_cast<std::size_t>(top)) changed.resize(top);
  a.operators = std::move(changed);
  for (const auto& b : engine_order) a.engines.push_back(engines.at(b));
  std::stable_sort(a.engines.begin(), a.engines.end(),
                   [](const EngineDelta& x, const EngineDelta& y) {
                     return std::fabs(x.delta_us()) > std::fabs(y.delta_us());
                   });
  a.traffic = {{"HBM traffic", "bytes", hbm[0], hbm[1]},
               {"SRAM traffic", "bytes", sram[0], sram[1]},
               {"FLOPs", "FLOP", flops[0], flops[1]}};
  return a;
}

Attribution attribute_files(const std::string& base_csv, const std::string& cand_csv, int top) {
  Attribution a;
  namespace fs = std::filesystem;
  if (base_csv.empty() || !fs::exists(base_csv)) {
    a.note = "the baseline has no ops.csv";
    return a;
  }
  if (cand_csv.empty() || !fs::exists(cand_csv)) {
    a.note = "the candidate has no ops.csv";
    return a;
  }
  return attribute(read_ops_csv(base_csv), read_ops_csv(cand_csv), top);
}

}  // namespace maia::regress
