#include "maia/regress/compare.hpp"

#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "maia/core/decimal.hpp"
#include "maia/core/error.hpp"
#include "maia/core/exit_codes.hpp"
#include "maia/core/json_text.hpp"

namespace maia::regress {

std::string Tolerance::text() const {
  switch (kind) {
    case Kind::kInformational:
      return "info";
    case Kind::kAbsolute:
      return format_value(value);
    case Kind::kRelative:
      return format_value(value * 100) + "%";
  }
  return "";
}

Tolerance parse_tolerance(const std::string& text, const std::string& what) {
  Tolerance t;
  if (text == "info" || text == "informational") {
    t.kind = Tolerance::Kind::kInformational;
    t.value = 0;
    return t;
  }
  std::string number = text;
  const bool percent = !number.empty() && number.back() == '%';
  if (percent) number.pop_back();
  const std::optional<double> parsed = parse_decimal(number);
  const double v = parsed.value_or(-1);
  if (!parsed || v < 0)
    throw InputError(fmt::format(
        "{}: must be a percentage like 2%, an absolute amount like 0.5, or info, got \"{}\"", what,
        brief_plain(text)));
  t.kind = percent ? Tolerance::Kind::kRelative : Tolerance::Kind::kAbsolute;
  t.value = percent ? v / 100 : v;
  return t;
}

namespace {

// The layer's per-metric tolerance for `metric`: its exact name, else the longest pattern.
const Tolerance* match_layer(const ToleranceLayer& layer, const std::string& metric) {
  const Tolerance* best = nullptr;
  std::size_t best_len = 0;
  for (const auto& [pattern, tol] : layer.per_metric) {
    if (pattern == metric) return &tol;
    if (glob_match(pattern, metric) && (!best || pattern.size() > best_len)) {
      best = &tol;
      best_len = pattern.size();
    }
  }
  return best;
}

bool within(const Tolerance& t, double base, double cand) {
  const double d = std::fabs(cand - base);
  if (t.kind == Tolerance::Kind::kAbsolute) return d <= t.value;
  if (base == 0) return cand == 0;
  return d <= t.value * std::fabs(base) * (1 + 1e-12);
}

}  // namespace

Tolerance ToleranceSpec::for_metric(const std::string& metric) const {
  for (const auto& l : layers)
    if (const Tolerance* t = match_layer(l, metric)) return *t;
  for (const auto& l : layers)
    if (l.fallback) return *l.fallback;
  return global;
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kOk:
      return "ok";
    case Verdict::kRegressed:
      return "regressed";
    case Verdict::kImproved:
      return "improved";
    case Verdict::kChanged:
      return "changed";
    case Verdict::kMissing:
      return "missing";
    case Verdict::kNew:
      return "new";
  }
  return "?";
}

std::optional<double> MetricDiff::relative() const {
  if (!base || !cand || *base == 0) return std::nullopt;
  return (*cand - *base) / std::fabs(*base);
}

int CaseComparison::failures() const {
  int n = 0;
  for (const auto& m : metrics) n += m.fails ? 1 : 0;
  return n;
}

int CaseComparison::beyond_tolerance() const {
  int n = 0;
  for (const auto& m : metrics) n += m.beyond() && !m.informational ? 1 : 0;
  return n;
}

const MetricDiff* CaseComparison::worst() const {
  const MetricDiff* best = nullptr;
  const auto score = [](const MetricDiff& m) {
    if (!m.base || !m.cand) return 1e300;  // missing: worst of all
    const auto r = m.relative();
    return r ? std::fabs(*r) : (m.delta() != 0 ? 1e299 : 0.0);
  };
  // Failing metrics first, then any non-informational move, then (for a case of informational
  // figures only: a benchmark of the simulator) informational ones.
  bool all_info = !metrics.empty();
  for (const auto& m : metrics) all_info = all_info && m.informational;
  for (int pass = 0; pass < (all_info ? 3 : 2); ++pass) {
    for (const auto& m : metrics) {
      const bool take = pass == 0   ? m.fails
                        : pass == 1 ? m.beyond() && !m.informational
                                    : m.beyond() && m.verdict != Verdict::kNew;
      if (take && (!best || score(m) > score(*best))) best = &m;
    }
    if (best) return best;
  }
  return nullptr;
}

bool Comparison::failed() const {
  for (const auto& c : cases)
    if (c.status == "fail") return true;
  return false;
}

bool Comparison::errored() const {
  for (const auto& c : cases)
    if (c.status == "error") return true;
  return false;
}

int Comparison::exit_code() const {
  return errored() ? kExitBadInput : failed() ? kExitRegression : kExitOk;
}

std::string Comparison::verdict() const { return errored() ? "error" : failed() ? "fail" : "pass"; }

CaseComparison compare_case(const CaseResult& base, const CaseResult& cand,
                            const CompareOptions& opt) {
  CaseComparison c;
  c.name = !cand.name.empty() ? cand.name : base.name;
  c.baseline = base.source;
  c.candidate = cand.source;
  const auto diff = [&](const std::string& name, std::optional<double> b, std::optional<double> k) {
    MetricDiff d;
    d.name = name;
    d.base = b;
    d.cand = k;
    const MetricClass cls = classify_metric(name);
    d.direction = cls.direction;
    d.known = cls.known;
    d.tolerance = opt.tolerances.for_metric(name);
    d.informational = cls.informational || base.all_informational || cand.all_informational ||
                      d.tolerance.kind == Tolerance::Kind::kInformational;
    // A tolerance of "info" still says how the metric moved, judged by the default tolerance
    // (so noise on wall time reads as ok).
    const Tolerance judge =
        d.tolerance.kind == Tolerance::Kind::kInformational ? opt.tolerances.global : d.tolerance;
    if (!k) {
      d.verdict = Verdict::kMissing;
    } else if (!b) {
      d.verdict = Verdict::kNew;
    } else if (*k == *b || within(judge, *b, *k)) {
      d.verdict = Verdict::kOk;
    } else if (d.direction == Direction::kNeutral) {
      d.verdict = Verdict::kChanged;
    } else {
      const bool better = (d.direction == Direction::kLowerIsBetter) == (*k < *b);
      d.verdict = better ? Verdict::kImproved : Verdict::kRegressed;
    }
    d.fails =
        !d.informational && (d.verdict == Verdict::kRegressed || d.verdict == Verdict::kChanged ||
                             d.verdict == Verdict::kMissing ||
                             (d.verdict == Verdict::kImproved && !opt.allow_improvements));
    c.metrics.push_back(d);
  };
  std::set<std::string> seen;
  for (const auto& m : base.metrics) {
    seen.insert(m.name);
    const Metric* k = cand.find(m.name);
    diff(m.name, m.value, k ? std::optional<double>(k->value) : std::nullopt);
  }
  for (const auto& m : cand.metrics)
    if (!seen.count(m.name)) diff(m.name, std::nullopt, m.value);

  // Context that differs: the two results did not run the same thing.
  std::map<std::string, std::string> ctx_base(base.context.begin(), base.context.end());
  std::map<std::string, std::string> ctx_cand(cand.context.begin(), cand.context.end());
  for (const auto& [k, v] : base.context) {
    const auto it = ctx_cand.find(k);
    if (it == ctx_cand.end())
      c.notes.push_back(fmt::format("{}: {} in the baseline, absent in the candidate", k, v));
    else if (it->second != v)
      c.notes.push_back(fmt::format("{}: {} -> {}", k, v, it->second));
  }
  for (const auto& [k, v] : cand.context)
    if (!ctx_base.count(k))
      c.notes.push_back(fmt::format("{}: absent in the baseline, {} in the candidate", k, v));

  c.status = c.failures() > 0 ? "fail" : "pass";
  if (opt.attribution && c.beyond_tolerance() > 0) {
    try {
      c.attribution = attribute_files(base.ops_csv, cand.ops_csv, opt.attribution_top);
    } catch (const InputError& e) {
      Attribution a;
      a.note = e.what();
      c.attribution = a;
    }
  }
  return c;
}

Comparison compare_sets(const ResultSet& base, const ResultSet& cand, const CompareOptions& opt) {
  Comparison out;
  out.baseline = base.source;
  out.candidate = cand.source;
  out.tolerance = opt.tolerances.global;
  out.allow_improvements = opt.allow_improvements;
  if (!base.multi && !cand.multi && base.cases.size() == 1 && cand.cases.size() == 1) {
    out.cases.push_back(compare_case(base.cases[0], cand.cases[0], opt));
    return out;
  }
  std::map<std::string, const CaseResult*> by_name;
  for (const auto& c : cand.cases) by_name[c.name] = &c;
  std::set<std::string> matched;
  for (const auto& b : base.cases) {
    const auto it = by_name.find(b.name);
    if (it == by_name.end()) {
      CaseComparison c;
      c.name = b.name;
      c.baseline = b.source;
      c.status = "fail";
      c.error = "missing in the candidate";
      MetricDiff d;  // so the case counts as failing
      d.name = "(case)";
      d.verdict = Verdict::kMissing;
      d.fails = true;
      c.metrics.push_back(d);
      out.cases.push_back(c);
      continue;
    }
    matched.insert(b.name);
    out.cases.push_back(compare_case(b, *it->second, opt));
  }
  for (const auto& k : cand.cases) {
    if (matched.count(k.name)) continue;
    CaseComparison c;
    c.name = k.name;
    c.candidate = k.source;
    c.status = "new";
    c.error = "no baseline for this case";
    out.cases.push_back(c);
  }
  return out;
}

}  // namespace maia::regress
