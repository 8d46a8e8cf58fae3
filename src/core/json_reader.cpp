#include "maia/core/json_reader.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "maia/config/config_loader.hpp"
#include "maia/core/error.hpp"

namespace maia {

using Json = nlohmann::json;

JsonReader::JsonReader(const Json& node, std::string file, std::string path)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {
  if (!node_.is_object()) fail_here("must be a JSON object");
}

JsonReader::JsonReader(const Json& node, std::string file, std::string path, AnyType)
    : node_(node), file_(std::move(file)), path_(std::move(path)) {}

Json JsonReader::parse_file(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw InputError(fmt::format("{}: cannot open file", file));
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    throw InputError(fmt::format("{}:{}:{}: invalid JSON: {}", file, line, col, e.what()));
  } catch (const Json::out_of_range& e) {  // a number beyond double, e.g. 1e999
    throw InputError(fmt::format("{}: invalid JSON: {}", file, e.what()));
  }
}

std::string JsonReader::key_path(const std::string& key) const {
  if (path_.empty()) return key;
  return key.empty() || key[0] == '[' ? path_ + key : path_ + "." + key;
}

void JsonReader::fail(const std::string& key, const std::string& rule) const {
  const std::string value = node_.contains(key) ? node_[key].dump() : std::string("nothing");
  throw InputError(fmt::format("{}: {}: {}, got {}", file_, key_path(key), rule, value));
}

void JsonReader::fail_here(const std::string& rule) const {
  std::string value = node_.dump();
  if (value.size() > 80) value = value.substr(0, 77) + "...";
  throw InputError(
      fmt::format("{}: {}: {}, got {}", file_, path_.empty() ? "(top level)" : path_, rule, value));
}

bool JsonReader::has(const std::string& key) const { return node_.contains(key); }

const Json& JsonReader::get(const std::string& key) {
  read_.insert(key);
  if (!node_.contains(key)) fail(key, "is required");
  return node_[key];
}

std::int64_t JsonReader::integer(const std::string& key, std::int64_t min, std::int64_t max) {
  const Json& v = get(key);
  if (!v.is_number_integer()) fail(key, "must be an integer");
  if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(max))
    fail(key, fmt::format("must be <= {}", max));
  const std::int64_t x = v.get<std::int64_t>();
  if (x < min) fail(key, fmt::format("must be >= {}", min));
  if (x > max) fail(key, fmt::format("must be <= {}", max));
  return x;
}

std::int64_t JsonReader::integer_or(const std::string& key, std::int64_t fallback, std::int64_t min,
                                    std::int64_t max) {
  read_.insert(key);  // known even when absent: used for suggestions
  if (!has(key)) return fallback;
  return integer(key, min, max);
}

double JsonReader::number_or(const std::string& key, double fallback, double min, double max) {
  read_.insert(key);  // known even when absent: used for suggestions
  if (!has(key)) return fallback;
  const Json& v = get(key);
  if (!v.is_number()) fail(key, "must be a number");
  const double x = v.get<double>();
  if (!(x >= min && x <= max)) fail(key, fmt::format("must be in [{:g}, {:g}]", min, max));
  return x;
}

std::string JsonReader::string(const std::string& key) {
  const Json& v = get(key);
  if (!v.is_string()) fail(key, "must be a string");
  return v.get<std::string>();
}

std::string JsonReader::string_or(const std::string& key, const std::string& fallback) {
  read_.insert(key);  // known even when absent: used for suggestions
  return has(key) ? string(key) : fallback;
}

std::string JsonReader::choice(const std::string& key, const std::vector<std::string>& choices) {
  const std::string v = string(key);
  for (const auto& c : choices)
    if (c == v) return v;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  const std::string hint = nearest_match(v, choices);
  fail(key, fmt::format("must be one of: {}{}", list,
                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

std::string JsonReader::choice_or(const std::string& key, const std::string& fallback,
                                  const std::vector<std::string>& choices) {
  read_.insert(key);  // known even when absent: used for suggestions
  return has(key) ? choice(key, choices) : fallback;
}

bool JsonReader::boolean_or(const std::string& key, bool fallback) {
  read_.insert(key);  // known even when absent: used for suggestions
  if (!has(key)) return fallback;
  const Json& v = get(key);
  if (!v.is_boolean()) fail(key, "must be true or false");
  return v.get<bool>();
}

JsonReader JsonReader::object(const std::string& key) {
  const Json& v = get(key);
  if (!v.is_object()) fail(key, "must be a JSON object");
  return JsonReader(v, file_, key_path(key));
}

JsonReader JsonReader::child(const std::string& key) {
  get(key);
  return JsonReader(node_[key], file_, key_path(key), AnyType{});
}

std::vector<JsonReader> JsonReader::array(const std::string& key, bool required) {
  std::vector<JsonReader> out;
  read_.insert(key);
  if (!required && !has(key)) return out;
  const Json& v = get(key);
  if (!v.is_array()) fail(key, "must be an array");
  for (std::size_t i = 0; i < v.size(); ++i)
    out.emplace_back(v[i], file_, fmt::format("{}[{}]", key_path(key), i));
  return out;
}

void JsonReader::reject_unknown_keys() const {
  std::vector<std::string> known(read_.begin(), read_.end());
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    if (read_.count(it.key())) continue;
    const std::string hint = nearest_match(it.key(), known);
    throw InputError(fmt::format("{}: {}: unknown key{}", file_, key_path(it.key()),
                                 hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
  }
}

}  // namespace maia
