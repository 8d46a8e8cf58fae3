#include "maia/regress/suite.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "maia/core/child_process.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"

namespace maia::regress {
namespace fs = std::filesystem;
using RawJson = nlohmann::json;

namespace {

const std::vector<std::string> kKinds = {"static", "trace", "synthetic", "microbench", "ops"};

// Options regress sets itself, or that have their own key in a case.
const std::map<std::string, std::string> kReserved = {
    {"out", "regress chooses the output directory"}, {"json", "regress adds it where needed"},
    {"sim-stats", "regress adds it where needed"},   {"help", "not an option of a case"},
    {"emit-ops", "not an option of a case"},         {"chip", "use the case's \"chip\" key"},
    {"set", "use the case's \"set\" key"},           {"model", "use the case's \"model\" key"}};

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 100 || s[0] == '.' || s[0] == '-') return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

std::string value_text(const RawJson& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  return v.dump();  // a float, shortest round-trip form
}

// "max_requests": 20 -> --max-requests 20; true -> --flag; false -> nothing; arrays repeat.
void add_options(JsonReader& parent, const std::string& key, const std::set<std::string>& skip,
                 std::vector<std::string>& args) {
  if (!parent.has(key)) return;
  JsonReader r = parent.object(key);
  for (auto it = r.node().begin(); it != r.node().end(); ++it) {
    if (skip.count(it.key())) continue;
    std::string flag = it.key();
    for (char& c : flag)
      if (c == '_') c = '-';
    const auto reserved = kReserved.find(flag);
    if (reserved != kReserved.end())
      r.fail(it.key(), fmt::format("is not allowed here ({})", reserved->second));
    const RawJson& v = it.value();
    const auto one = [&](const RawJson& x) {
      if (x.is_boolean()) {
        if (x.get<bool>()) args.push_back("--" + flag);
      } else if (x.is_string() || x.is_number()) {
        args.push_back("--" + flag);
        args.push_back(value_text(x));
      } else {
        r.fail(it.key(), "must be a string, a number, true/false, or an array of them");
      }
    };
    if (v.is_array())
      for (const auto& x : v) one(x);
    else
      one(v);
  }
}

ToleranceLayer read_tolerances(JsonReader& r) {
  ToleranceLayer layer;
  const std::string fallback = r.string_or("tolerance", "");  // also known for suggestions
  if (r.has("tolerance")) layer.fallback = parse_tolerance(fallback, r.key_path("tolerance"));
  if (r.has("metric_tolerances")) {
    JsonReader m = r.object("metric_tolerances");
    for (auto it = m.node().begin(); it != m.node().end(); ++it) {
      if (!it.value().is_string())
        m.fail(it.key(), "must be a string like \"5%\", \"0.5\" or \"info\"");
      layer.per_metric.emplace_back(
          it.key(), parse_tolerance(it.value().get<std::string>(), m.key_path(it.key())));
    }
  }
  return layer;
}

// defaults overlaid by the case: objects merge key by key, arrays concatenate (set), the rest
// the case's.
RawJson merge_case(const RawJson& defaults, const RawJson& c) {
  if (!c.is_object()) return c;  // the reader reports it
  RawJson out = defaults.is_object() ? defaults : RawJson::object();
  for (auto it = c.begin(); it != c.end(); ++it) {
    if (out.contains(it.key()) && out[it.key()].is_object() && it.value().is_object())
      out[it.key()].update(it.value());
    else if (out.contains(it.key()) && out[it.key()].is_array() && it.value().is_array())
      for (const auto& x : it.value()) out[it.key()].push_back(x);
    else
      out[it.key()] = it.value();
  }
  return out;
}

SuiteCase read_case(JsonReader& r) {
  SuiteCase c;
  c.name = r.string("name");
  if (!valid_name(c.name))
    r.fail("name", "must be letters, digits, '-', '_' or '.' (it names a directory)");
  c.description = r.string_or("description", "");
  c.kind = r.choice("kind", kKinds);
  const bool model_kind = c.kind == "static" || c.kind == "trace" || c.kind == "synthetic";
  std::string model;
  if (model_kind)
    model = r.string("model");
  else if (r.has("model"))
    r.fail("model", fmt::format("is not used by a {} case", c.kind));

  std::vector<std::string> args;
  JsonReader w = r.object("workload");
  const auto need = [&](const char* key, const char* why) {
    if (!w.has(key)) w.fail(key, fmt::format("is required for a {} case ({})", c.kind, why));
  };
  const auto refuse = [&](const char* key) {
    if (w.has(key)) w.fail(key, fmt::format("does not belong to a {} case", c.kind));
  };
  std::set<std::string> skip;
  if (c.kind == "static") {
    args = {"run", "--model", model};
    refuse("trace");
    refuse("rate");
  } else if (c.kind == "trace") {
    args = {"run", "--model", model};
    need("trace", "the request trace file, relative to the suite");
    refuse("rate");
  } else if (c.kind == "synthetic") {
    args = {"run", "--model", model};
    need("rate", "requests per second");
    refuse("trace");
  } else if (c.kind == "microbench") {
    need("benchmark", "gemm, hbm, noc or pcie");
    const RawJson& b = w.node()["benchmark"];
    if (!b.is_string()) w.fail("benchmark", "must be a string: gemm, hbm, noc or pcie");
    args = {"microbench", b.get<std::string>()};
    skip.insert("benchmark");
    if (args[1] == "all")
      w.fail("benchmark", "must be one benchmark (a case per benchmark), not all");
  } else {  // ops
    need("trace", "an operator trace JSON, relative to the suite");
    args = {"ops"};
  }
  add_options(r, "workload", skip, args);
  add_options(r, "options", {}, args);
  const std::string chip = r.string_or("chip", "");
  if (r.has("chip")) {
    args.push_back("--chip");
    args.push_back(chip);
  }
  if (r.has("set")) {
    const JsonReader s = r.child("set");
    const RawJson& v = s.node();
    if (v.is_object()) {
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!(it.value().is_number() || it.value().is_string() || it.value().is_boolean()))
          r.fail("set", "must map knobs to numbers or strings");
        args.push_back("--set");
        args.push_back(it.key() + "=" + value_text(it.value()));
      }
    } else if (v.is_array()) {
      for (const auto& x : v) {
        if (!x.is_string() || x.get<std::string>().find('=') == std::string::npos)
          r.fail("set", "must be an object {\"knob\": value} or an array of \"knob=value\"");
        args.push_back("--set");
        args.push_back(x.get<std::string>());
      }
    } else {
      r.fail("set", "must be an object {\"knob\": value} or an array of \"knob=value\"");
    }
  }
  c.tolerances = read_tolerances(r);
  r.reject_unknown_keys();
  c.args = std::move(args);
  return c;
}

std::string read_text(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Suite load_suite(const std::string& file) {
  const RawJson root = JsonReader::parse_file(file);
  JsonReader r(root, file, "");
  Suite s;
  s.file = file;
  s.dir = fs::absolute(fs::path(file)).parent_path().lexically_normal().string();
  s.name = r.string_or("name", fs::path(file).stem().string());
  s.baselines =
      (fs::path(s.dir) / r.string_or("baselines", "baselines")).lexically_normal().string();
  s.tolerances = read_tolerances(r);
  r.string_or("description", "");
  RawJson defaults = RawJson::object();
  if (r.has("defaults")) defaults = r.object("defaults").node();
  std::set<std::string> names;
  const auto cases = r.array("cases");
  if (cases.empty()) r.fail("cases", "must list at least one case");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const RawJson merged = merge_case(defaults, cases[i].node());
    JsonReader cr(merged, file, fmt::format("cases[{}]", i));
    SuiteCase c = read_case(cr);
    if (!names.insert(c.name).second)
      cr.fail("name", "is the name of an earlier case (names must be unique)");
    s.cases.push_back(std::move(c));
  }
  r.reject_unknown_keys();
  return s;
}

std::vector<std::string> case_command(const SuiteCase& c, const std::string& dir) {
  std::vector<std::string> a = c.args;
  if (c.kind == "microbench") {
    a.push_back("--json");
    a.push_back("--sim-stats");
  } else if (c.kind == "ops") {
    a.insert(a.end(), {"--json", "--out", dir});
  } else {
    a.insert(a.end(), {"--out", dir});
  }
  return a;
}

const std::vector<std::string>& baseline_files() {
  static const std::vector<std::string> files = {"summary.json", "ops.csv"};
  return files;
}

bool same_results(const std::string& dir_a, const std::string& dir_b) {
  for (const auto& f : baseline_files()) {
    const fs::path a = fs::path(dir_a) / f, b = fs::path(dir_b) / f;
    if (fs::exists(a) != fs::exists(b)) return false;
    if (!fs::exists(a)) continue;
    if (f == "summary.json") {
      try {
        Json ja = Json::parse(read_text(a.string())), jb = Json::parse(read_text(b.string()));
        ja.erase("simulation");
        jb.erase("simulation");
        if (ja != jb) return false;
      } catch (const Json::parse_error&) {
        return false;
      }
    } else if (read_text(a.string()) != read_text(b.string())) {
      return false;
    }
  }
  return true;
}

namespace {

// microbench and ops print their result: it becomes the case's summary.json.
void finish(const SuiteCase& c, CaseRun& run) {
  if (run.exit_code != 0) {
    run.error = fmt::format("run failed (exit {}); its output: {}", run.exit_code, run.log);
    return;
  }
  const fs::path dir(run.dir);
  if (c.kind == "microbench" || c.kind == "ops") {
    const fs::path printed = dir / "stdout.json";
    Json j;
    try {
      j = Json::parse(read_text(printed.string()));
    } catch (const Json::parse_error& e) {
      run.error = fmt::format("its output is not JSON ({}): {}", e.what(), printed.string());
      return;
    }
    if (c.kind == "ops") {  // per-operator rows live in ops.csv; bookkeeping to `simulation`
      j.erase("ops");
      Json sim = {{"ops_simulated", j.value("ops_simulated", 0)},
                  {"ops_reused", j.value("ops_reused", 0)}};
      j.erase("ops_simulated");
      j.erase("ops_reused");
      j["simulation"] = sim;
    }
    std::ofstream out(dir / "summary.json");
    out << j.dump(2) << "\n";
    out.close();
    fs::remove(printed);
  }
  if (!fs::exists(dir / "summary.json"))
    run.error = fmt::format("it left no summary.json; its output: {}", run.log);
}

}  // namespace

std::vector<CaseRun> run_cases(const Suite& suite, const std::vector<const SuiteCase*>& cases,
                               const std::string& exe, const std::string& out_dir, int jobs,
                               const std::function<void(const CaseRun&)>& done) {
  std::vector<CaseRun> runs(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CaseRun& r = runs[i];
    r.name = cases[i]->name;
    r.dir = fs::absolute(fs::path(out_dir) / r.name).lexically_normal().string();
    r.log = (fs::path(r.dir) / "log.txt").string();
    std::error_code ec;
    fs::remove_all(r.dir, ec);
    fs::create_directories(r.dir, ec);
    if (ec) throw InputError(fmt::format("{}: cannot create directory: {}", r.dir, ec.message()));
  }
  jobs = std::max(1, jobs);
  struct Running {
    std::unique_ptr<ChildProcess> child;
    std::size_t index = 0;
  };
  std::vector<Running> running;
  std::size_t next = 0;
  while (next < cases.size() || !running.empty()) {
    while (next < cases.size() && static_cast<int>(running.size()) < jobs) {
      const SuiteCase& c = *cases[next];
      CaseRun& r = runs[next];
      const bool printed = c.kind == "microbench" || c.kind == "ops";
      const std::string out = printed ? (fs::path(r.dir) / "stdout.json").string() : r.log;
      try {
        running.push_back(
            {std::make_unique<ChildProcess>(exe, case_command(c, r.dir), out, r.log, suite.dir),
             next++});
      } catch (const InputError& e) {
        throw SimulationError(fmt::format("cannot start case {}: {}", c.name, e.what()));
      }
    }
    bool ended = false;
    for (auto it = running.begin(); it != running.end(); ++it) {
      const std::optional<ChildExit> e = it->child->poll(0);
      if (!e) continue;
      CaseRun& r = runs[it->index];
      r.wall_s = e->wall_s;
      r.exit_code = e->signal != 0 ? 128 + e->signal : e->exit_code;
      finish(*cases[it->index], r);
      if (done) done(r);
      running.erase(it);
      ended = true;
      break;
    }
    if (!ended) ::usleep(2000);  // cases run for a fraction of a second at least
  }
  return runs;
}

}  // namespace maia::regress
