#include "maia/versus/versus_report.hpp"

#include <fmt/format.h>

#include "maia/core/csv.hpp"

namespace maia {
namespace {

std::string or_dash(double v, const char* format) {
  return v > 0 ? fmt::format(fmt::runtime(format), v) : "-";
}

}  // namespace

std::string versus_table(const std::vector<VersusResult>& results) {
  std::string out =
      fmt::format("{:<16} {:>3} {:>12} {:>11} {:>11} {:>11} {:>11} {:>12} {:>9} {:>12}\n", "chip",
                  "tp", "tokens/s", "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99", "tok/s/chip",
                  "tok/s/W", "tokens/$");
  for (const auto& r : results) {
    if (!r.error.empty()) {
      out += fmt::format("{:<16} {:>3} {}\n", r.chip.name, r.tp, r.error);
      continue;
    }
    out += fmt::format(
        "{:<16} {:>3} {:>12.1f} {:>8.2f} ms {:>8.2f} ms {:>8.3f} ms {:>8.3f} ms "
        "{:>12.1f} {:>9} {:>12}\n",
        r.chip.name, r.tp, r.output_tokens_per_s, r.ttft_p50_ms, r.ttft_p99_ms, r.tpot_p50_ms,
        r.tpot_p99_ms, r.output_tokens_per_s_per_chip, or_dash(r.tokens_per_s_per_watt(), "{:.2f}"),
        or_dash(r.tokens_per_dollar(), "{:.0f}"));
  }
  return out;
}

nlohmann::ordered_json versus_json(const std::vector<VersusResult>& results) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    nlohmann::ordered_json j;
    j["chip"] = r.chip.name;
    j["config"] = r.chip.file;
    j["tp"] = r.tp;
    if (!r.error.empty()) {
      j["error"] = r.error;
      out.push_back(j);
      continue;
    }
    j["output_tokens_per_s"] = r.output_tokens_per_s;
    j["ttft_ms"] = {{"p50", r.ttft_p50_ms}, {"p99", r.ttft_p99_ms}};
    j["tpot_ms"] = {{"p50", r.tpot_p50_ms}, {"p99", r.tpot_p99_ms}};
    j["output_tokens_per_s_per_chip"] = r.output_tokens_per_s_per_chip;
    j["tdp_w"] = r.chip.tdp_w;
    j["output_tokens_per_s_per_watt"] = r.tokens_per_s_per_watt();
    if (r.chip.price_per_hour > 0) {
      j["price_per_chip_hour_usd"] = r.chip.price_per_hour;
      j["output_tokens_per_usd"] = r.tokens_per_dollar();
    }
    j["run_dir"] = r.run_dir;
    out.push_back(j);
  }
  return out;
}

std::string versus_csv(const std::vector<VersusResult>& results) {
  std::string out =
      csv_row({"chip", "config", "tp", "output_tokens_per_s", "ttft_p50_ms", "ttft_p99_ms",
               "tpot_p50_ms", "tpot_p99_ms", "output_tokens_per_s_per_chip", "tdp_w",
               "tokens_per_s_per_watt", "price_per_chip_hour_usd", "tokens_per_usd", "error"});
  for (const auto& r : results) {
    auto num = [&](double v) { return r.error.empty() ? fmt::format("{:.6g}", v) : ""; };
    out += csv_row({r.chip.name, r.chip.file, std::to_string(r.tp), num(r.output_tokens_per_s),
                    num(r.ttft_p50_ms), num(r.ttft_p99_ms), num(r.tpot_p50_ms), num(r.tpot_p99_ms),
                    num(r.output_tokens_per_s_per_chip), fmt::format("{:.6g}", r.chip.tdp_w),
                    num(r.tokens_per_s_per_watt()),
                    r.chip.price_per_hour > 0 ? fmt::format("{:.6g}", r.chip.price_per_hour) : "",
                    r.chip.price_per_hour > 0 ? num(r.tokens_per_dollar()) : "", r.error});
  }
  return out;
}

}  // namespace maia
