// maia-sim sweep-merge DIR [SHARD_DIR...]: joins the shards of a sweep run as a job array
// (maia-sim sweep --shard i/N): copies each shard folder's points into DIR (when they ran in
// separate folders) and rebuilds DIR/results.jsonl and .csv from every point's result.json, in
// point order. Reports the points no shard has finished.
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "maia/core/error.hpp"
#include "maia/core/json_reader.hpp"
#include "maia/core/json_text.hpp"
#include "maia/sweep/sweep_results.hpp"

namespace maia::cli {
namespace {

namespace fs = std::filesystem;
using OJson = nlohmann::ordered_json;

OJson read_manifest(const std::string& dir) {
  const std::string file = (fs::path(dir) / "sweep.json").string();
  if (!fs::exists(file))
    throw InputError(fmt::format("{}: not a sweep output folder (no sweep.json)", dir));
  const nlohmann::json doc = JsonReader::parse_file(file);
  if (!doc.is_object() || !doc.contains("ids") || !doc["ids"].is_array())
    throw InputError(fmt::format("{}: ids: must be an array of point ids", file));
  for (const auto& id : doc["ids"])
    if (!id.is_string() || id.get<std::string>().find('/') != std::string::npos)
      throw InputError(fmt::format("{}: ids: must hold point ids (strings without '/'), got {}",
                                   file, brief_json(id)));
  return doc;
}

}  // namespace

namespace {

int cmd_sweep_merge_unchecked(const std::vector<std::string>& args) {
  po::options_description desc("maia-sim sweep-merge DIR [SHARD_DIR...]");
  std::vector<std::string> dirs;
  desc.add_options()("help,h", "this help")("dir", po::value(&dirs)->multitoken(),
                                            "the sweep folder, then shard folders to copy in");
  po::positional_options_description pos;
  pos.add("dir", -1);
  const auto vm = parse("sweep-merge", args, desc, &pos);
  if (vm.count("help")) {
    std::cout << desc;
    return kExitOk;
  }
  if (dirs.empty()) throw InputError("maia-sim sweep-merge: a sweep folder is required");
  const std::string out = dirs[0];
  fs::create_directories(fs::path(out) / "points");
  if (!fs::exists(fs::path(out) / "sweep.json") && dirs.size() > 1)
    fs::copy_file(fs::path(dirs[1]) / "sweep.json", fs::path(out) / "sweep.json");
  const OJson manifest = read_manifest(out);
  for (std::size_t i = 1; i < dirs.size(); ++i) {
    if (read_manifest(dirs[i])["ids"] != manifest["ids"])
      throw InputError(
          fmt::format("{}: holds a different sweep than {} (its points differ)", dirs[i], out));
    const fs::path points = fs::path(dirs[i]) / "points";
    if (!fs::is_directory(points)) continue;
    for (const auto& entry : fs::directory_iterator(points))
      if (fs::exists(entry.path() / "result.json"))
        fs::copy(entry.path(), fs::path(out) / "points" / entry.path().filename(),
                 fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }

  std::vector<OJson> rows;
  std::vector<std::string> missing;
  std::int64_t failed = 0;
  std::int64_t index = 0;
  for (const auto& id : manifest["ids"]) {
    const fs::path file = fs::path(out) / "points" / id.get<std::string>() / "result.json";
    std::ifstream in(file);
    OJson doc;
    try {
      if (in) doc = OJson::parse(in);
    } catch (const OJson::exception&) {  // unreadable: the point counts as missing
    }
    if (!doc.contains("row")) {
      missing.push_back(id.get<std::string>());
    } else {
      OJson row = doc["row"];
      row["index"] = index;
      failed += row["status"] == kStatusFailed;
      rows.push_back(row);
    }
    ++index;
  }
  write_results_tables(out, "results", rows);
  fmt::print("sweep-merge: {} of {} points in {}/results.jsonl and results.csv ({} failed)\n",
             rows.size(), manifest["ids"].size(), out, failed);
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 10; ++i) list += " " + missing[i];
    fmt::print(stderr, "sweep-merge: {} points have no result yet:{}{}\n", missing.size(), list,
               missing.size() > 10 ? " ..." : "");
  }
  return missing.empty() && failed == 0 ? kExitOk : kExitSimError;
}

}  // namespace

// A file system error on the output folder (full, read-only, a path through a regular file) is
// the user's to fix: exit 2 with the path and the reason, not an internal error.
int cmd_sweep_merge(const std::vector<std::string>& args) {
  try {
    return cmd_sweep_merge_unchecked(args);
  } catch (const std::filesystem::filesystem_error& e) {
    throw InputError(fmt::format("maia-sim sweep-merge: {}", e.what()));
  }
}

}  // namespace maia::cli
