// maia-sim plot KIND INPUT... --out FILE.png|.svg: figures from result folders (docs/plots.md).
// Every input is checked here (the file the kind needs, metric names, the output's extension)
// with named errors (exit 2) before python3 runs the embedded matplotlib script
// (plot_script.hpp), which gets one JSON request on its stdin.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"
#include "maia/regress/metrics.hpp"
#include "maia/sweep/sweep_report.hpp"
#include "maia/sweep/sweep_results.hpp"
#include "plot_script.hpp"

namespace maia::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

const std::vector<std::string> kKinds = {"load-curve", "latency-cdf", "pareto", "roofline",
                                         "timeline"};

// The column names of a CSV file (its first record).
std::set<std::string> csv_header(const std::string& file) {
  std::ifstream in(file);
  CsvReader reader(in, file);
  CsvRecord header;
  if (!reader.next(header)) return {};
  return {header.fields.begin(), header.fields.end()};
}

// DIR/NAME of a result folder; InputError naming the kind when the folder or the file is missing
// or the file lacks one of `columns` (a CSV) or is not JSON.
std::string need_file(const std::string& kind, const std::string& dir, const std::string& name,
                      const std::vector<std::string>& columns = {}) {
  if (!fs::is_directory(dir))
    throw InputError(
        fmt::format("plot {}: {}: not a result folder (no such directory)", kind, dir));
  const std::string file = (fs::path(dir) / name).string();
  if (!fs::is_regular_file(file))
    throw InputError(
        fmt::format("plot {}: {} has no {} (the file this plot needs)", kind, dir, name));
  if (!columns.empty()) {
    const auto header = csv_header(file);
    for (const auto& c : columns)
      if (!header.count(c))
        throw InputError(fmt::format("plot {}: {}: no column '{}'", kind, file, c));
  }
  return file;
}

Json read_json_file(const std::string& kind, const std::string& file) {
  std::ifstream in(file);
  Json j = Json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw InputError(fmt::format("plot {}: {}: not a JSON object", kind, file));
  return j;
}

double percentile(const Json& summary, const std::string& file, const char* metric,
                  const char* pct) {
  const auto* v = &summary;
  for (const char* key : {"latency", metric, pct}) {
    if (!v->is_object() || !v->contains(key))
      throw InputError(fmt::format("plot load-curve: {}: no latency.{}.{}", file, metric, pct));
    v = &(*v)[key];
  }
  if (!v->is_number())
    throw InputError(
        fmt::format("plot load-curve: {}: latency.{}.{} is not a number", file, metric, pct));
  return v->get<double>();
}

// The sweep's parameters of a row other than `skip` as "name=value ..." (the series of a sweep).
std::string params_text(const OJson& row, const std::set<std::string>& skip) {
  static const std::set<std::string> fixed = {"index", "id", "status", "message", "pareto"};
  std::string out;
  for (auto it = row.begin(); it != row.end(); ++it) {
    if (fixed.count(it.key()) || skip.count(it.key()) || find_metric(it.key())) continue;
    if (!out.empty()) out += ' ';
    out += it.key() + "=" +
           (it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
  }
  return out;
}

std::vector<OJson> ok_rows(const std::string& kind, const std::string& dir) {
  const auto file = need_file(kind, dir, "results.jsonl");
  std::vector<OJson> rows;
  for (auto& r : read_results_jsonl(file))
    if (r.value("status", "") == kStatusOk) rows.push_back(std::move(r));
  if (rows.empty()) throw InputError(fmt::format("plot {}: {} has no ok point", kind, file));
  return rows;
}

// load-curve: a serving result folder is one point (its series: chip and model, or its label);
// a sweep folder gives one point per ok row with a `rate` column.
Json load_curve_points(const std::string& dir, const std::string& label) {
  static const std::vector<std::string> kColumns = {"ttft_ms_p50", "ttft_ms_p90", "ttft_ms_p99",
                                                    "tpot_ms_p50", "tpot_ms_p90", "tpot_ms_p99"};
  Json points = Json::array();
  if (fs::is_regular_file(fs::path(dir) / "results.jsonl")) {
    for (const auto& r : ok_rows("load-curve", dir)) {
      if (!r.contains("rate") || !r["rate"].is_number())
        throw InputError(fmt::format(
            "plot load-curve: {}/results.jsonl: point {} has no numeric 'rate' (sweep over the "
            "rate option)",
            dir, r.value("id", "?")));
      Json p{{"rate", r["rate"]}, {"metrics", Json::object()}};
      for (const auto& c : kColumns) {
        if (!r.contains(c))
          throw InputError(fmt::format("plot load-curve: {}/results.jsonl: point {} has no '{}'",
                                       dir, r.value("id", "?"), c));
        p["metrics"][c] = r[c];
      }
      const auto rest = params_text(r, {"rate"});
      p["series"] = rest.empty() ? label : label + " " + rest;
      points.push_back(p);
    }
    return points;
  }
  const auto file = need_file("load-curve", dir, "summary.json");
  const Json s = read_json_file("load-curve", file);
  if (!s.contains("workload") || s["workload"].value("mode", "") != "serving")
    throw InputError(fmt::format(
        "plot load-curve: {}: not a serving run (workload.mode is not \"serving\": run with "
        "--rate or --trace)",
        file));
  need_file("load-curve", dir, "requests.csv", {"arrival_s"});
  Json p{{"requests_csv", (fs::path(dir) / "requests.csv").string()}, {"metrics", Json::object()}};
  if (s["workload"].contains("rate") && s["workload"]["rate"].is_number())
    p["rate"] = s["workload"]["rate"];
  for (const char* m : {"ttft_ms", "tpot_ms"})
    for (const char* pct : {"p50", "p90", "p99"})
      p["metrics"][fmt::format("{}_{}", m, pct)] = percentile(s, file, m, pct);
  p["series"] =
      label.empty() ? fmt::format("{} {}", s.value("chip", "?"), s.value("model", "?")) : label;
  points.push_back(p);
  return points;
}

Json objective_json(const Objective& o) {
  return {{"column", o.column},
          {"direction", o.direction == regress::Direction::kHigherIsBetter ? "higher" : "lower"}};
}

// The interpreter: $MAIA_PYTHON, else Debian's /usr/bin/python3 (where python3-matplotlib
// installs, whatever python3 a virtualenv or pyenv puts first on PATH), else python3 on PATH.
std::string python_exe() {
  if (const char* env = std::getenv("MAIA_PYTHON"); env && *env) return env;
  if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
  return "python3";
}

// Runs PYTHON -c SCRIPT with `request` on its stdin; its exit code (127: not found).
int run_python(const std::string& python, const std::string& request) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    const char* argv[] = {python.c_str(), "-c", plot_script(), nullptr};
    ::execvp(python.c_str(), const_cast<char* const*>(argv));
    _exit(127);
  }
  ::close(fds[0]);
  // A child that exits before reading everything (no matplotlib, no interpreter) must not kill
  // maia-sim with SIGPIPE: the write fails instead and the child's exit status says why.
  const auto old_pipe = std::signal(SIGPIPE, SIG_IGN);
  std::size_t done = 0;
  while (done < request.size()) {
    const ssize_t n = ::write(fds[1], request.data() + done, request.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child died early: its exit status says why
    done += static_cast<std::size_t>(n);
  }
  ::close(fds[1]);
  std::signal(SIGPIPE, old_pipe);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

}  // namespace

int cmd_plot(const std::vector<std::string>& args) {
  po::options_description desc(
      "maia-sim plot KIND INPUT... --out FILE.png|FILE.svg [options]\n"
      "KIND and its INPUTs (docs/plots.md):\n"
      "  load-curve   TTFT and TPOT p50/p99 against request rate: serving result folders (one\n"
      "               per rate) and/or sweep folders over the rate option\n"
      "  latency-cdf  TTFT and TPOT CDFs: serving result folders (requests.csv)\n"
      "  pareto       a sweep's points and Pareto front over --metrics A,B: sweep folders\n"
      "  roofline     every operator of ops.csv at its intensity: result folders (ops.csv)\n"
      "  timeline     utilisation over simulated time: Perfetto files of run --perfetto (power\n"
      "               joins when the energy model lands; none is drawn today)\n"
      "Several INPUTs are drawn on one figure, labelled by folder name or --label.\n"
      "Needs python3 and Debian's python3-matplotlib",
      100);
  std::string kind, out, metrics, title;
  std::vector<std::string> inputs, labels;
  desc.add_options()("help,h", "this help")("kind", po::value(&kind), "the kind of figure")(
      "input", po::value(&inputs)->multitoken(), "result folders (or files for timeline)")(
      "out,o", po::value(&out), "the figure: FILE.png or FILE.svg")(
      "label", po::value(&labels), "a legend label per INPUT, in order (repeat the option)")(
      "metrics", po::value(&metrics),
      "pareto: two objectives A,B (output_tokens_per_s,tpot_ms_p99; max:COLUMN / min:COLUMN)")(
      "title", po::value(&title), "the figure's title");
  po::positional_options_description pos;
  pos.add("kind", 1).add("input", -1);
  const auto vm = parse("plot", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (kind.empty())
    throw InputError("maia-sim plot: a KIND is required (see maia-sim plot --help)");
  if (std::find(kKinds.begin(), kKinds.end(), kind) == kKinds.end())
    throw InputError(fmt::format(
        "plot: unknown kind '{}' (load-curve, latency-cdf, pareto, roofline, timeline)", kind));
  if (inputs.empty())
    throw InputError(fmt::format("plot {}: at least one INPUT is required", kind));
  if (out.empty())
    throw InputError(fmt::format("plot {}: --out FILE.png|FILE.svg is required", kind));
  const std::string ext = fs::path(out).extension().string();
  if (ext != ".png" && ext != ".svg")
    throw InputError(fmt::format("plot: --out {}: the extension must be .png or .svg", out));
  const fs::path out_dir = fs::absolute(out).parent_path();
  if (!fs::is_directory(out_dir))
    throw InputError(fmt::format("plot: --out {}: no such directory {}", out, out_dir.string()));
  if (::access(out_dir.c_str(), W_OK) != 0)
    throw InputError(
        fmt::format("plot: --out {}: directory {} is not writable", out, out_dir.string()));
  if (!labels.empty() && labels.size() != inputs.size())
    throw InputError(fmt::format("plot {}: {} --label for {} INPUTs (give one per INPUT or none)",
                                 kind, labels.size(), inputs.size()));
  if (kind != "pareto" && !metrics.empty())
    throw InputError(fmt::format("plot {}: --metrics is for pareto only", kind));

  Json request{{"kind", kind},
               {"out", fs::absolute(out).string()},
               {"format", ext.substr(1)},
               {"title", title},
               {"inputs", Json::array()}};
  std::optional<std::pair<Objective, Objective>> objectives;
  if (kind == "pareto") {
    if (metrics.empty())
      throw InputError(
          "plot pareto: --metrics A,B is required (e.g. output_tokens_per_s,tpot_ms_p99)");
    const auto comma = metrics.find(',');
    if (comma == std::string::npos || metrics.find(',', comma + 1) != std::string::npos)
      throw InputError(
          fmt::format("plot pareto: --metrics must be two objectives A,B, got \"{}\"", metrics));
    objectives.emplace(parse_objective(metrics.substr(0, comma)),
                       parse_objective(metrics.substr(comma + 1)));
    request["metrics"] = {objective_json(objectives->first), objective_json(objectives->second)};
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string& in = inputs[i];
    std::string label =
        labels.empty() ? fs::path(in).lexically_normal().filename().string() : labels[i];
    if (label.empty() || label == ".") label = in;
    Json entry{{"label", label}, {"path", in}};
    if (kind == "load-curve") {
      entry["points"] = load_curve_points(
          in, labels.empty() && !fs::is_regular_file(fs::path(in) / "results.jsonl") ? "" : label);
    } else if (kind == "latency-cdf") {
      entry["requests_csv"] =
          need_file(kind, in, "requests.csv",
                    {"arrival_s", "first_token_s", "finish_s", "output_tokens", "status"});
    } else if (kind == "roofline") {
      entry["ops_csv"] = need_file(kind, in, "ops.csv", {"flops", "hbm_bytes", "time_us", "bound"});
    } else if (kind == "pareto") {
      const auto rows = ok_rows(kind, in);
      const auto& [a, b] = *objectives;
      for (const auto* o : {&a, &b}) {
        for (const auto& r : rows)
          if (!r.contains(o->column) || !r[o->column].is_number())
            throw InputError(
                fmt::format("plot pareto: {}/results.jsonl: point {} has no numeric '{}'", in,
                            r.value("id", "?"), o->column));
      }
      std::set<std::string> front;
      for (const auto& r : pareto_front(rows, a, b)) front.insert(r["id"].get<std::string>());
      Json points = Json::array();
      for (const auto& r : rows) {
        const std::string id = r["id"];
        const auto text = params_text(r, {});
        points.push_back({{"x", r[a.column]},
                          {"y", r[b.column]},
                          {"text", text.empty() ? id : text},
                          {"front", front.count(id) > 0}});
      }
      entry["points"] = points;
    } else {  // timeline
      if (!fs::is_regular_file(in))
        throw InputError(fmt::format(
            "plot timeline: {}: no such file (give the Perfetto file of run --perfetto FILE)", in));
      std::ifstream f(in);
      const Json j = Json::parse(f, nullptr, false);
      if (j.is_discarded() || !j.is_object() || !j.contains("traceEvents") ||
          !j["traceEvents"].is_array())
        throw InputError(fmt::format(
            "plot timeline: {}: not a maia-sim Perfetto timeline (no traceEvents array)", in));
    }
    request["inputs"].push_back(entry);
  }

  const std::string python = python_exe();
  const int rc = run_python(python, request.dump());
  if (rc == 127) {
    std::cerr << fmt::format(
        "error: plot: {} not found: install Debian's python3-matplotlib (apt-get install "
        "python3-matplotlib), or set MAIA_PYTHON to a python3 that has matplotlib\n",
        python);
    return kExitInternal;
  }
  if (rc != 0) {
    std::cerr << fmt::format("error: plot: the plotting script failed (exit {})\n", rc);
    return kExitInternal;
  }
  std::cout << fmt::format("wrote {} ({} of {} input{})\n", out, kind, inputs.size(),
                           inputs.size() == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace maia::cli
