#pragma once
// The one way user JSON text becomes a document. Every reader of a file a user can hand us goes
// through parse_json_text, so every one refuses the same things with the same message shape
// (source:line:column or JSON path, rule, value): invalid JSON, a NUL byte, nesting deeper than
// kMaxJsonDepth (deep documents would exhaust the stack of recursive consumers), a key that
// appears twice in one object (the last would silently win), numbers beyond a double's range.
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace maia {

inline constexpr int kMaxJsonDepth = 64;  // arrays and objects nested at most this deep
inline constexpr std::size_t kBriefChars = 80;

// Parses `text`; `source` names it in messages (a file name, "--set x=1"), positions are
// source:line:column with the text's first line numbered `first_line` (a JSON Lines record).
template <class Json>
Json parse_json_text(std::string_view text, const std::string& source, std::size_t first_line = 1);

extern template nlohmann::json parse_json_text<nlohmann::json>(std::string_view, const std::string&,
                                                               std::size_t);
extern template nlohmann::ordered_json parse_json_text<nlohmann::ordered_json>(std::string_view,
                                                                               const std::string&,
                                                                               std::size_t);

// Reads a whole file and parses it (InputError naming the file when it cannot be read).
nlohmann::json parse_json_file(const std::string& file);

// A value for an error message, at most kBriefChars characters ("..." marks a cut).
std::string brief_json(const nlohmann::json& value);
std::string brief_json(const nlohmann::ordered_json& value);
// The same for raw text: quoted and escaped (brief_text), or as it is (brief_plain).
std::string brief_text(std::string_view text);
std::string brief_plain(std::string_view text);

}  // namespace maia
