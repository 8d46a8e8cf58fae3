// maia-sim microbench collective: an nccl-tests-style table of one collective over message sizes
// on a system config, at a fidelity chosen by name (analytical: the closed-form model; detailed:
// the message schedule through the SystemC network; docs/systems.md). Without --system:
// configs/systems/maia200-tray.json for --chips <= 4, maia200-cluster-6144.json beyond.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/core/error.hpp"
#include "maia/netsim/collective_fidelity.hpp"
#include "maia/system/collective_model.hpp"
#include "maia/system/system_config.hpp"

namespace maia::cli {
namespace {

using Json = nlohmann::ordered_json;

// The shipped system for `chips` when the user names none.
std::string default_system_file(std::int64_t chips) {
  const auto dir = std::filesystem::path(default_chip_file()).parent_path() / "systems";
  return (dir / (chips <= 4 ? "maia200-tray.json" : "maia200-cluster-6144.json")).string();
}

// The group's tiers, innermost first, as the model sees them.
Json tiers_json(const std::vector<Tier>& tiers) {
  Json out = Json::array();
  for (const auto& t : tiers)
    out.push_back({{"name", t.name},
                   {"span", t.span},
                   {"latency_ns", t.latency_ns},
                   {"gbytes_per_s", t.gbytes_per_s},
                   {"ring_edge_gbytes_per_s", t.edge_gbytes_per_s}});
  return out;
}

// Per-link and per-switch-port statistics of a detailed run.
Json network_json(const CollectiveResult& r) {
  Json links = Json::array();
  for (const auto& l : r.links)
    links.push_back({{"name", l.name},
                     {"tier", l.tier},
                     {"gbytes_per_s", l.gbytes_per_s},
                     {"payload_bytes", l.payload_bytes},
                     {"wire_bytes", l.wire_bytes},
                     {"packets", l.packets},
                     {"busy_ns", l.busy_ns},
                     {"wait_ns", l.wait_ns},
                     {"utilisation", l.utilisation}});
  Json ports = Json::array();
  for (const auto& p : r.switch_ports)
    ports.push_back({{"switch", p.switch_name},
                     {"egress", p.egress},
                     {"egress_bytes", p.egress_bytes},
                     {"ingress_bytes", p.ingress_bytes},
                     {"busy_ns", p.busy_ns},
                     {"wait_ns", p.wait_ns}});
  return {{"messages", r.messages},
          {"reductions", r.reductions},
          {"scheduled_bytes", r.scheduled_bytes},
          {"sent_bytes", r.sent_bytes},
          {"received_bytes", r.received_bytes},
          {"links", links},
          {"switch_ports", ports}};
}

DType parse_collective_dtype(const std::string& s) {
  const auto d = parse_dtype(s);
  if (!d || *d == DType::kFp4)
    throw InputError(fmt::format("--dtype: must be bf16, fp16, fp32 or fp8, got \"{}\"", s));
  return *d;
}

}  // namespace

int cmd_microbench_collective(const std::vector<std::string>& args) {
  po::options_description desc(
      "maia-sim microbench collective --op OP --chips N [--system FILE] [--algo NAME] [options]");
  std::string op_text = "allreduce", system_file, algo, dtype_text = "bf16";
  std::string fidelity_text = "analytical";
  std::int64_t top_links = 8;
  std::string min_text = "8", max_text = "8Gi";
  std::int64_t chips = 0, factor = 2;
  desc.add_options()("help,h", "this help")(
      "op", po::value(&op_text),
      "allreduce, allgather, reducescatter, alltoall, broadcast or sendrecv (default allreduce)")(
      "chips", po::value(&chips),
      "ranks: chips 0..N-1 of the system (default: every chip of --system)")(
      "system", po::value(&system_file),
      "system config (default: configs/systems/maia200-tray.json for --chips <= 4, "
      "maia200-cluster-6144.json beyond)")(
      "algo", po::value(&algo), "auto or ring, direct, hierarchical, tree (default: the system's)")(
      "dtype", po::value(&dtype_text), "element type: bf16 (default), fp16, fp32, fp8")(
      "min-bytes", po::value(&min_text), "smallest message (default 8)")(
      "max-bytes", po::value(&max_text), "largest message (default 8Gi)")(
      "step-factor", po::value(&factor), "size multiplier between rows (default 2)")(
      "fidelity", po::value(&fidelity_text),
      "analytical (default: closed form) or detailed (the message schedule through the SystemC "
      "network; prints the busiest links of the largest size, --json every link per size)")(
      "top-links", po::value(&top_links), "detailed: busiest link directions listed (default 8)")(
      "json", "print one JSON object instead of a table");
  const auto vm = parse("microbench collective", args, desc);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  const auto op = parse_collective_op(op_text);
  if (!op)
    throw InputError(
        fmt::format("--op: must be one of {}, got \"{}\"", collective_op_names_text(), op_text));
  if (system_file.empty() && !vm.count("chips"))
    throw InputError("--chips: give the number of chips (or a --system to use all of its chips)");
  if (vm.count("chips") && chips < 2)
    throw InputError(fmt::format("--chips: a collective needs at least 2 chips, got {}", chips));
  if (system_file.empty()) system_file = default_system_file(chips);
  const SystemConfig sys = load_system_config(system_file);
  if (!vm.count("chips")) chips = sys.chips;
  if (chips > sys.chips)
    throw InputError(fmt::format("--chips: the system {} ({}) has {} chips, got {}", system_file,
                                 sys.name, sys.chips, chips));
  if (chips < 2)
    throw InputError(fmt::format(
        "--chips: a collective needs at least 2 chips, the system {} has {}", system_file, chips));
  const std::vector<Tier> tiers = sys.topology->tiers(chips, "--chips");
  if (algo.empty()) algo = sys.algorithm;
  if (algo != "auto") (void)find_collective_algorithm(algo, "--algo");
  const DType dtype = parse_collective_dtype(dtype_text);
  const std::uint64_t min_bytes = parse_byte_count(min_text, "--min-bytes");
  const std::uint64_t max_bytes = parse_byte_count(max_text, "--max-bytes");
  if (min_bytes > max_bytes)
    throw InputError(
        fmt::format("--max-bytes: must be >= --min-bytes ({}), got {}", min_bytes, max_bytes));
  if (factor < 2 || factor > 1024)
    throw InputError(fmt::format("--step-factor: must be in [2, 1024], got {}", factor));
  const double element_bytes = dtype_bits(dtype) / 8.0;
  const CollectiveFidelity& fidelity = find_collective_fidelity(fidelity_text, "--fidelity");
  const bool detailed = fidelity.name() == "detailed";
  if (top_links < 0 || top_links > 100000)
    throw InputError(fmt::format("--top-links: must be in [0, 100000], got {}", top_links));
  CollectiveResult last;

  Json rows = Json::array();
  for (std::uint64_t bytes = min_bytes; bytes <= max_bytes;) {
    last = fidelity.run(sys, *op, chips, bytes, dtype, algo);
    const CollectiveEstimate& e = last.estimate;
    const bool root = *op == CollectiveOp::kBroadcast;
    rows.push_back(
        {{"bytes", bytes},
         {"count", static_cast<std::uint64_t>(static_cast<double>(bytes) / element_bytes)},
         {"type", dtype_name(dtype)},
         {"redop", collective_reduces(*op) ? "sum" : "none"},
         {"root", root ? 0 : -1},
         {"time_us", e.time_ns / 1e3},
         {"algbw_gbps", e.algbw_gbps},
         {"busbw_gbps", e.busbw_gbps},
         {"bound_gbps", e.bound_gbps},
         {"algorithm", e.algorithm}});
    if (detailed) rows.back()["network"] = network_json(last);
    if (bytes > max_bytes / static_cast<std::uint64_t>(factor)) break;
    bytes *= static_cast<std::uint64_t>(factor);
  }

  if (vm.count("json")) {
    Json out = {{"benchmark", "collective"},
                {"op", collective_op_name(*op)},
                {"chips", chips},
                {"system", sys.name},
                {"system_file", system_file},
                {"topology", sys.topology_name},
                {"topology_summary", sys.topology->summary()},
                {"chip", chip_name(sys.chip)},
                {"algorithm", algo},
                {"fidelity", std::string(fidelity.name())},
                {"busbw_factor", busbw_factor(*op, chips)},
                {"reduce_gbps", reduce_gbytes_per_s(sys.chip, dtype)},
                {"tiers", tiers_json(tiers)},
                {"rows", rows}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  fmt::print("# maia-sim microbench collective: {} on {} of {} chips of {} ({})\n",
             collective_op_name(*op), chips, sys.chips, sys.name, system_file);
  fmt::print("# {}\n", sys.topology->summary());
  fmt::print("# chip {}; algorithm {}; reductions at {:.0f} GB/s of {}; busbw = algbw x {:.4f}\n",
             chip_name(sys.chip), algo, reduce_gbytes_per_s(sys.chip, dtype), dtype_name(dtype),
             busbw_factor(*op, chips));
  for (const auto& t : tiers)
    fmt::print(
        "# tier {:<6} x{:<5} latency {:>6.0f} ns, {:>7.1f} GB/s per rank with every rank across, "
        "ring edge {:.1f} GB/s\n",
        t.name, t.span, t.latency_ns, t.gbytes_per_s, t.edge_gbytes_per_s);
  fmt::print("# fidelity {}: {} (docs/systems.md)\n", fidelity.name(), fidelity.description());
  if (detailed)
    fmt::print(
        "# transport: {} B packets + {} B header, spray {}; NIC DMA chunks, HBM and "
        "reductions per chip\n",
        sys.transport.packet_bytes, sys.transport.header_bytes, sys.transport.spray);
  fmt::print("#\n");
  fmt::print("{:>14} {:>12} {:>6} {:>6} {:>5} {:>12} {:>12} {:>12} {:>12}  {}\n", "size(B)",
             "count", "type", "redop", "root", "time(us)", "algbw(GB/s)", "busbw(GB/s)",
             "bound(GB/s)", "algorithm");
  for (const auto& r : rows)
    fmt::print("{:>14} {:>12} {:>6} {:>6} {:>5} {:>12.2f} {:>12.2f} {:>12.2f} {:>12.2f}  {}\n",
               r["bytes"].get<std::uint64_t>(), r["count"].get<std::uint64_t>(),
               r["type"].get<std::string>(), r["redop"].get<std::string>(), r["root"].get<int>(),
               r["time_us"].get<double>(), r["algbw_gbps"].get<double>(),
               r["busbw_gbps"].get<double>(), r["bound_gbps"].get<double>(),
               r["algorithm"].get<std::string>());
  if (detailed && top_links > 0) {
    // The busiest link directions of the largest size.
    std::vector<LinkUse> busy = last.links;
    std::stable_sort(busy.begin(), busy.end(),
                     [](const LinkUse& a, const LinkUse& b) { return a.busy_ns > b.busy_ns; });
    busy.resize(std::min(busy.size(), static_cast<std::size_t>(top_links)));
    fmt::print(
        "#\n# busiest links at {} B ({} link directions used, {} messages, {} B sent, {} B "
        "received):\n",
        rows.back()["bytes"].get<std::uint64_t>(), last.links.size(), last.messages,
        last.sent_bytes, last.received_bytes);
    fmt::print("# {:<36} {:>9} {:>14} {:>10} {:>12} {:>13} {:>6}\n", "link", "GB/s", "payload(B)",
               "packets", "busy(us)", "queue/pkt(ns)", "util");
    for (const auto& l : busy)
      fmt::print("# {:<36} {:>9.1f} {:>14} {:>10} {:>12.2f} {:>13.1f} {:>6.3f}\n", l.name,
                 l.gbytes_per_s, l.payload_bytes, l.packets, l.busy_ns / 1e3,
                 l.packets > 0 ? l.wait_ns / static_cast<double>(l.packets) : 0.0, l.utilisation);
  }
  return kExitOk;
}

}  // namespace maia::cli
