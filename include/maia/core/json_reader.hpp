#pragma once
// Strict reading of user JSON: every access knows its JSON path, every error names the file, the
// path, the rule and the value, and keys nobody read are reported as unknown (with the nearest
// valid key), so a typo never silently does nothing.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace maia {

class JsonReader {
 public:
  JsonReader(const nlohmann::json& node, std::string file, std::string path);

  // Loads and parses a file; parse errors carry line and column.
  static nlohmann::json parse_file(const std::string& file);

  const nlohmann::json& node() const { return node_; }
  const std::string& path() const { return path_; }
  bool has(const std::string& key) const;

  std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max);
  std::int64_t integer_or(const std::string& key, std::int64_t fallback, std::int64_t min,
                          std::int64_t max);
  double number_or(const std::string& key, double fallback, double min, double max);
  std::string string(const std::string& key);
  std::string string_or(const std::string& key, const std::string& fallback);
  std::string choice(const std::string& key, const std::vector<std::string>& choices);
  std::string choice_or(const std::string& key, const std::string& fallback,
                        const std::vector<std::string>& choices);
  bool boolean_or(const std::string& key, bool fallback);
  // Child object or array element readers.
  JsonReader object(const std::string& key);
  std::vector<JsonReader> array(const std::string& key, bool required = true);
  JsonReader child(const std::string& key);  // any JSON type (use node()), marks the key read

  // Throws InputError for the first key of this object that was never read.
  void reject_unknown_keys() const;
  [[noreturn]] void fail(const std::string& key, const std::string& rule) const;
  [[noreturn]] void fail_here(const std::string& rule) const;
  std::string key_path(const std::string& key) const;
  const std::string& file() const { return file_; }

 private:
  struct AnyType {};  // tag: a reader of a non-object value (only its path is used)
  JsonReader(const nlohmann::json& node, std::string file, std::string path, AnyType);
  const nlohmann::json& get(const std::string& key);
  const nlohmann::json& node_;
  std::string file_;
  std::string path_;
  mutable std::set<std::string> read_;
};

}  // namespace maia
