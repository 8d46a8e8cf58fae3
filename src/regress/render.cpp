// The renderings of a Comparison: a terminal table, JSON and Markdown (docs/regression.md).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "maia/regress/compare.hpp"

namespace maia::regress {

std::string format_value(double v) {
  if (std::isnan(v)) return "nan";
  // Integers plainly; large values without an exponent (to the unit: 6 digits are there).
  if (std::fabs(v) < 1e15 && (v == std::floor(v) || std::fabs(v) >= 1e6))
    return fmt::format("{:.0f}", v);
  return fmt::format("{:.6g}", v);
}

namespace {

std::string opt_value(const std::optional<double>& v) { return v ? format_value(*v) : "-"; }

std::string percent_text(std::optional<double> r);

// delta % of a metric: "0%" for two zeros, "-" when the baseline is 0 or a side is absent.
std::string metric_percent(const MetricDiff& m) {
  if (m.base && m.cand && *m.base == 0 && *m.cand == 0) return "0%";
  return percent_text(m.relative());
}

std::string delta_text(const MetricDiff& m) {
  if (!m.base || !m.cand) return "-";
  const double d = m.delta();
  if (d == 0) return "0";
  return d > 0 ? fmt::format("+{}", format_value(d)) : format_value(d);
}

// Traffic and work in readable units.
std::string work_text(double v, const std::string& unit) {
  if (unit == "bytes") return fmt::format("{:.4g} GB", v / 1e9);
  if (unit == "FLOP") return fmt::format("{:.4g} GFLOP", v / 1e9);
  return format_value(v);
}

std::string percent_text(std::optional<double> r) {
  if (!r) return "-";
  if (*r == 0) return "0%";
  return fmt::format("{:+.2f}%", 100 * *r);
}

std::string pct_of(double base, double cand) {
  if (base == 0) return cand == 0 ? "0%" : "new";
  return percent_text((cand - base) / std::fabs(base));
}

std::string verdict_text(const MetricDiff& m) {
  std::string v = verdict_name(m.verdict);
  if (m.fails) {
    std::transform(v.begin(), v.end(), v.begin(), ::toupper);
    return v;
  }
  if (m.informational) return m.verdict == Verdict::kOk ? "info" : v + " (info)";
  if (m.verdict == Verdict::kImproved) return "improved (allowed)";
  return v;
}

std::string status_text(const CaseComparison& c) {
  if (c.status == "fail") return "FAIL";
  if (c.status == "error") return "ERROR";
  if (c.status == "new") return "NEW";
  return "pass";
}

std::string case_label(const CaseComparison& c) { return c.name.empty() ? "result" : c.name; }

bool shown(const MetricDiff& m, const RenderOptions& opt) {
  return opt.all_metrics || m.fails || (m.beyond() && !m.informational);
}

std::string worst_text(const CaseComparison& c, bool with_delta) {
  const MetricDiff* w = c.worst();
  if (!w) return "";
  std::string s = w->name;
  if (with_delta) {
    const auto r = w->relative();
    const std::string moved = w->verdict == Verdict::kMissing ? std::string("missing")
                              : r                             ? percent_text(r)
                                                              : delta_text(*w);
    s = fmt::format("{} {}", s, moved);
    if (w->informational) s += " (info)";
  }
  return s;
}

std::string summary_line(const Comparison& c, bool by_case) {
  int failed = 0, errors = 0, fresh = 0;
  for (const auto& k : c.cases) {
    failed += k.status == "fail";
    errors += k.status == "error";
    fresh += k.status == "new";
  }
  std::string s;
  if (!by_case && c.cases.size() == 1 && c.cases[0].status != "error") {
    const auto& k = c.cases[0];
    s = k.status == "fail"
            ? fmt::format("FAIL: {} of {} metrics beyond tolerance", k.failures(), k.metrics.size())
            : fmt::format("pass: {} metrics within tolerance", k.metrics.size());
  } else {
    s = fmt::format("{}: {} of {} cases moved beyond tolerance",
                    errors   ? "ERROR"
                    : failed ? "FAIL"
                             : "pass",
                    failed, c.cases.size());
    if (errors) s += fmt::format(", {} could not be compared", errors);
    if (fresh) s += fmt::format(", {} new (no baseline)", fresh);
  }
  return s + fmt::format(" (exit {})", c.exit_code());
}

// ---------------------------------------------------------------- text

void text_attribution(const Attribution& a, std::string& out) {
  if (!a.available) {
    out += fmt::format("  why: no per-operator attribution ({})\n", a.note);
    return;
  }
  out += fmt::format(
      "\n  why it moved: operator time in ops.csv {:.3f} ms -> {:.3f} ms ({}); {} operator "
      "group{} moved\n",
      a.base_total_us / 1e3, a.cand_total_us / 1e3, pct_of(a.base_total_us, a.cand_total_us),
      a.operators_changed, a.operators_changed == 1 ? "" : "s");
  if (!a.operators.empty()) {
    std::size_t w = 16;
    for (const auto& o : a.operators) w = std::max(w, o.name.size());
    out += fmt::format("  {:<8} {:<{}} {:>5} {:>11} {:>11} {:>11} {:>9} {:>7}  {}\n", "phase",
                       "operator", w, "count", "base ms", "cand ms", "delta ms", "delta %", "share",
                       "bound");
    for (const auto& o : a.operators) {
      const std::string bound = o.bound_base == o.bound_cand
                                    ? o.bound_cand
                                    : (o.bound_base.empty() ? "-" : o.bound_base) + " -> " +
                                          (o.bound_cand.empty() ? "-" : o.bound_cand);
      const std::string count = o.count_base == o.count_cand
                                    ? fmt::format("{}", o.count_cand)
                                    : fmt::format("{}>{}", o.count_base, o.count_cand);
      out +=
          fmt::format("  {:<8} {:<{}} {:>5} {:>11.4f} {:>11.4f} {:>+11.4f} {:>9} {:>6.1f}%  {}\n",
                      o.phase, o.name, w, count, o.base_us / 1e3, o.cand_us / 1e3,
                      o.delta_us() / 1e3, pct_of(o.base_us, o.cand_us),
                      a.moved_us > 0 ? 100 * std::fabs(o.delta_us()) / a.moved_us : 0.0, bound);
    }
  }
  out += fmt::format(
      "\n  {:<8} {:>9} {:>11} {:>11} {:>11} {:>9}   (time of the operators each engine bound)\n",
      "engine", "ops", "base ms", "cand ms", "delta ms", "delta %");
  for (const auto& e : a.engines) {
    const std::string ops = e.ops_base == e.ops_cand ? fmt::format("{}", e.ops_cand)
                                                     : fmt::format("{}>{}", e.ops_base, e.ops_cand);
    out += fmt::format("  {:<8} {:>9} {:>11.4f} {:>11.4f} {:>+11.4f} {:>9}\n", e.engine, ops,
                       e.base_us / 1e3, e.cand_us / 1e3, e.delta_us() / 1e3,
                       pct_of(e.base_us, e.cand_us));
  }
  std::string traffic;
  for (const auto& t : a.traffic)
    traffic +=
        fmt::format("{}{} {} -> {} ({})", traffic.empty() ? "" : "; ", t.what,
                    work_text(t.base, t.unit), work_text(t.cand, t.unit), pct_of(t.base, t.cand));
  out += "  work: " + traffic + "\n";
}

void text_case(const CaseComparison& c, const RenderOptions& opt, bool heading, std::string& out) {
  if (heading) {
    out += fmt::format("\n== {}: {}", case_label(c), status_text(c));
    if (!c.error.empty())
      out += ": " + c.error;
    else
      out += fmt::format(", {} of {} metrics beyond tolerance", c.failures(), c.metrics.size());
    out += "\n";
    if (!c.baseline.empty()) out += fmt::format("   baseline  {}\n", c.baseline);
    if (!c.candidate.empty()) out += fmt::format("   candidate {}\n", c.candidate);
  }
  for (const auto& n : c.notes) out += fmt::format("   note: {}\n", n);
  std::vector<const MetricDiff*> rows;
  for (const auto& m : c.metrics)
    if (m.name != "(case)" && shown(m, opt)) rows.push_back(&m);
  if (!rows.empty()) {
    std::size_t w = 24;
    for (const auto* m : rows) w = std::max(w, m->name.size());
    out += fmt::format("{:<{}} {:>14} {:>14} {:>13} {:>9} {:>6}  {}\n", "metric", w, "baseline",
                       "candidate", "delta", "delta %", "tol", "verdict");
    for (const auto* m : rows)
      out += fmt::format("{:<{}} {:>14} {:>14} {:>13} {:>9} {:>6}  {}\n", m->name, w,
                         opt_value(m->base), opt_value(m->cand), delta_text(*m), metric_percent(*m),
                         m->tolerance.text(), verdict_text(*m));
  }
  if (c.attribution) text_attribution(*c.attribution, out);
}

}  // namespace

std::string render_case_text(const CaseComparison& c, const RenderOptions& opt) {
  std::string out;
  text_case(c, opt, false, out);
  return out;
}

std::string render_text(const Comparison& c, const RenderOptions& opt) {
  std::string out;
  out += fmt::format("{}\nbaseline   {}\ncandidate  {}\n", c.title, c.baseline, c.candidate);
  out += fmt::format("tolerance  {} by default; improvements beyond it {}\n", c.tolerance.text(),
                     c.allow_improvements ? "allowed" : "fail");
  const bool multi = c.cases.size() != 1 || !c.cases[0].name.empty() || opt.case_table;
  if (multi) {
    std::size_t w = 16;
    for (const auto& k : c.cases) w = std::max(w, case_label(k).size());
    bool timed = false;
    for (const auto& k : c.cases) timed = timed || k.wall_s >= 0;
    out += fmt::format("\n{:<{}} {:<7} {:>9}  {:<44}{}\n", "case", w, "verdict", "beyond",
                       "worst metric", timed ? "  wall s" : "");
    for (const auto& k : c.cases) {
      const std::string beyond =
          k.error.empty() ? fmt::format("{}/{}", k.failures(), k.metrics.size()) : "-";
      std::string worst = k.error.empty() ? worst_text(k, true) : k.error;
      const std::string wall = !timed          ? ""
                               : k.wall_s >= 0 ? fmt::format(" {:>7.1f}", k.wall_s)
                                               : "        ";
      out += fmt::format("{:<{}} {:<7} {:>9}  {:<44}{}\n", case_label(k), w, status_text(k), beyond,
                         worst, wall);
    }
    for (const auto& k : c.cases)
      if (opt.all_metrics || k.status != "pass") text_case(k, opt, true, out);
  } else {
    out += "\n";
    text_case(c.cases[0], opt, false, out);
  }
  out += fmt::format("\n{}\n", summary_line(c, multi));
  return out;
}

// ---------------------------------------------------------------- markdown

namespace {

std::string md_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|')
      out += "\\|";
    else if (ch == '\n')
      out += ' ';
    else
      out += ch;
  }
  return out;
}

void md_attribution(const Attribution& a, std::string& out) {
  if (!a.available) {
    out += fmt::format("\nNo per-operator attribution: {}.\n", md_escape(a.note));
    return;
  }
  out += fmt::format(
      "\n**Why it moved**: operator time (ops.csv) {:.3f} ms → {:.3f} ms ({}); {} operator "
      "group{} moved.\n\n",
      a.base_total_us / 1e3, a.cand_total_us / 1e3, pct_of(a.base_total_us, a.cand_total_us),
      a.operators_changed, a.operators_changed == 1 ? "" : "s");
  if (!a.operators.empty()) {
    out +=
        "| phase | operator | count | baseline ms | candidate ms | delta ms | delta % | share | "
        "bound |\n";
    out += "|---|---|---:|---:|---:|---:|---:|---:|---|\n";
    for (const auto& o : a.operators) {
      const std::string bound =
          o.bound_base == o.bound_cand ? o.bound_cand : o.bound_base + " → " + o.bound_cand;
      out += fmt::format("| {} | `{}` | {} | {:.4f} | {:.4f} | {:+.4f} | {} | {:.1f}% | {} |\n",
                         md_escape(o.phase), md_escape(o.name), o.count_cand, o.base_us / 1e3,
                         o.cand_us / 1e3, o.delta_us() / 1e3, pct_of(o.base_us, o.cand_us),
                         a.moved_us > 0 ? 100 * std::fabs(o.delta_us()) / a.moved_us : 0.0,
                         md_escape(bound));
    }
    out += "\n";
  }
  out +=
      "| engine (time of the operators it bound) | ops | baseline ms | candidate ms | delta ms | "
      "delta % |\n";
  out += "|---|---:|---:|---:|---:|---:|\n";
  for (const auto& e : a.engines)
    out += fmt::format("| {} | {} | {:.4f} | {:.4f} | {:+.4f} | {} |\n", e.engine, e.ops_cand,
                       e.base_us / 1e3, e.cand_us / 1e3, e.delta_us() / 1e3,
                       pct_of(e.base_us, e.cand_us));
  out += "\n";
  for (const auto& t : a.traffic)
    out += fmt::format("- {}: {} → {} ({})\n", t.what, work_text(t.base, t.unit),
                       work_text(t.cand, t.unit), pct_of(t.base, t.cand));
}

void md_metric_table(const CaseComparison& c, bool all, std::string& out) {
  out += "| metric | baseline | candidate | delta | delta % | tolerance | verdict |\n";
  out += "|---|---:|---:|---:|---:|---:|---|\n";
  RenderOptions only;
  only.all_metrics = all;
  for (const auto& m : c.metrics) {
    if (m.name == "(case)" || !shown(m, only)) continue;
    const std::string v = verdict_text(m);
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", m.name, opt_value(m.base),
                       opt_value(m.cand), delta_text(m), metric_percent(m), m.tolerance.text(),
                       m.fails ? "**" + v + "**" : v);
  }
}

// The metrics beyond tolerance first, then (with all_metrics) every metric folded away.
void md_metrics(const CaseComparison& c, const RenderOptions& opt, std::string& out) {
  for (const auto& n : c.notes) out += fmt::format("- note: {}\n", md_escape(n));
  if (!c.notes.empty()) out += "\n";
  RenderOptions moved;
  moved.all_metrics = false;
  int n_moved = 0, n_real = 0;
  for (const auto& m : c.metrics) {
    if (m.name == "(case)") continue;
    ++n_real;
    n_moved += shown(m, moved) ? 1 : 0;
  }
  if (n_moved > 0) md_metric_table(c, false, out);
  if (opt.all_metrics && n_real > 0) {
    out += fmt::format("\n<details><summary>all {} metrics</summary>\n\n", n_real);
    md_metric_table(c, true, out);
    out += "\n</details>\n";
  }
  if (c.attribution) md_attribution(*c.attribution, out);
}

}  // namespace

std::string render_markdown(const Comparison& c, const RenderOptions& opt) {
  std::string out;
  const char* mark = c.errored() ? "⚠️" : c.failed() ? "❌" : "✅";
  out += fmt::format("### {} {}: {}\n\n", mark, md_escape(c.title),
                     md_escape(summary_line(
                         c, c.cases.size() != 1 || !c.cases[0].name.empty() || opt.case_table)));
  out += fmt::format(
      "Baseline `{}`, candidate `{}`; tolerance {} by default; improvements beyond "
      "it {}.\n\n",
      md_escape(c.baseline), md_escape(c.candidate), c.tolerance.text(),
      c.allow_improvements ? "allowed" : "fail");
  const bool multi = c.cases.size() != 1 || !c.cases[0].name.empty() || opt.case_table;
  if (!multi) {
    md_metrics(c.cases[0], opt, out);
    return out;
  }
  out += "| case | verdict | beyond tolerance | worst metric |\n|---|---|---:|---|\n";
  for (const auto& k : c.cases)
    out += fmt::format("| {} | {} | {} | {} |\n", md_escape(case_label(k)),
                       k.status == "pass" ? "pass" : "**" + status_text(k) + "**",
                       k.error.empty() ? fmt::format("{}/{}", k.failures(), k.metrics.size()) : "-",
                       md_escape(k.error.empty() ? worst_text(k, true) : k.error));
  for (const auto& k : c.cases) {
    if (!opt.all_metrics && k.status == "pass") continue;
    if (!k.error.empty() && k.metrics.empty()) continue;
    out += fmt::format(
        "\n<details{}><summary><b>{}</b>: {}, {} of {} metrics beyond "
        "tolerance</summary>\n\n",
        k.status == "pass" ? "" : " open", md_escape(case_label(k)), status_text(k), k.failures(),
        k.metrics.size());
    md_metrics(k, opt, out);
    out += "\n</details>\n";
  }
  return out;
}

// ---------------------------------------------------------------- json

Json render_json(const Comparison& c) {
  Json j;
  j["verdict"] = c.verdict();
  j["exit_code"] = c.exit_code();
  j["baseline"] = c.baseline;
  j["candidate"] = c.candidate;
  j["tolerance"] = c.tolerance.text();
  j["allow_improvements"] = c.allow_improvements;
  Json cases = Json::array();
  for (const auto& k : c.cases) {
    Json kc;
    kc["name"] = k.name;
    kc["status"] = k.status;
    kc["baseline"] = k.baseline;
    kc["candidate"] = k.candidate;
    if (!k.error.empty()) kc["error"] = k.error;
    if (k.wall_s >= 0) kc["wall_s"] = k.wall_s;
    kc["failures"] = k.failures();
    kc["notes"] = k.notes;
    Json metrics = Json::array();
    for (const auto& m : k.metrics) {
      if (m.name == "(case)") continue;
      const auto r = m.relative();
      metrics.push_back({{"metric", m.name},
                         {"baseline", m.base ? Json(*m.base) : Json(nullptr)},
                         {"candidate", m.cand ? Json(*m.cand) : Json(nullptr)},
                         {"delta", m.base && m.cand ? Json(m.delta()) : Json(nullptr)},
                         {"delta_pct", r ? Json(100 * *r) : Json(nullptr)},
                         {"direction", direction_name(m.direction)},
                         {"informational", m.informational},
                         {"known", m.known},
                         {"tolerance", m.tolerance.text()},
                         {"verdict", verdict_name(m.verdict)},
                         {"fails", m.fails}});
    }
    kc["metrics"] = metrics;
    if (k.attribution) {
      const Attribution& a = *k.attribution;
      Json ja;
      ja["available"] = a.available;
      if (!a.available) ja["note"] = a.note;
      if (a.available) {
        ja["baseline_ms"] = a.base_total_us / 1e3;
        ja["candidate_ms"] = a.cand_total_us / 1e3;
        ja["operators_changed"] = a.operators_changed;
        Json ops = Json::array();
        for (const auto& o : a.operators)
          ops.push_back({{"phase", o.phase},
                         {"operator", o.name},
                         {"kind", o.kind},
                         {"count_baseline", o.count_base},
                         {"count_candidate", o.count_cand},
                         {"baseline_ms", o.base_us / 1e3},
                         {"candidate_ms", o.cand_us / 1e3},
                         {"delta_ms", o.delta_us() / 1e3},
                         {"bound_baseline", o.bound_base},
                         {"bound_candidate", o.bound_cand}});
        ja["operators"] = ops;
        Json eng = Json::array();
        for (const auto& e : a.engines)
          eng.push_back({{"engine", e.engine},
                         {"bound", e.bound},
                         {"ops_baseline", e.ops_base},
                         {"ops_candidate", e.ops_cand},
                         {"baseline_ms", e.base_us / 1e3},
                         {"candidate_ms", e.cand_us / 1e3},
                         {"delta_ms", e.delta_us() / 1e3}});
        ja["engines"] = eng;
        Json work = Json::array();
        for (const auto& t : a.traffic)
          work.push_back(
              {{"what", t.what}, {"unit", t.unit}, {"baseline", t.base}, {"candidate", t.cand}});
        ja["work"] = work;
      }
      kc["attribution"] = ja;
    }
    cases.push_back(kc);
  }
  j["cases"] = cases;
  return j;
}

}  // namespace maia::regress
