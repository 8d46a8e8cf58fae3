#include "maia/core/json_text.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

namespace {

struct Position {
  std::size_t line = 1, column = 1;
};

Position position_of(std::string_view text, std::size_t byte, std::size_t first_line) {
  Position p;
  p.line = first_line;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.line;
      p.column = 1;
    } else {
      ++p.column;
    }
  }
  return p;
}

// Refuses NUL bytes and nesting beyond kMaxJsonDepth before the parser sees the text, so no
// consumer (merge, dump, destructor) ever recurses deeper than that.
void scan_structure(std::string_view text, const std::string& source, std::size_t first_line) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\0') {
      const Position p = position_of(text, i, first_line);
      throw InputError(fmt::format("{}:{}:{}: invalid JSON: a NUL byte (binary data?)", source,
                                   p.line, p.column));
    }
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) {
        const Position p = position_of(text, i, first_line);
        throw InputError(fmt::format(
            "{}:{}:{}: invalid JSON: nested deeper than {} levels of arrays and objects", source,
            p.line, p.column, kMaxJsonDepth));
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
}

// Tracks the JSON path during parsing to find keys that appear twice in one object.
struct Frame {
  bool object = false;
  std::size_t index = 0;  // arrays: the element being parsed
  std::string key;        // objects: the member being parsed
  std::set<std::string> keys;
};

std::string path_of(const std::vector<Frame>& frames) {
  std::string path;
  for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
    const Frame& f = frames[i];
    if (f.object)
      path += (path.empty() ? "" : ".") + f.key;
    else
      path += fmt::format("[{}]", f.index);
  }
  return path;
}

}  // namespace

std::string brief_text(std::string_view text) {
  std::string out = nlohmann::json(std::string(text.substr(0, kBriefChars)))
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kBriefChars) out += "...";
  return out;
}

std::string brief_plain(std::string_view text) {
  if (text.size() <= kBriefChars) return std::string(text);
  return std::string(text.substr(0, kBriefChars - 3)) + "...";
}

std::string brief_json(const nlohmann::json& value) {
  std::string s = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > kBriefChars) s = s.substr(0, kBriefChars - 3) + "...";
  return s;
}

std::string brief_json(const nlohmann::ordered_json& value) {
  std::string s = value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  if (s.size() > kBriefChars) s = s.substr(0, kBriefChars - 3) + "...";
  return s;
}

template <class Json>
Json parse_json_text(std::string_view text, const std::string& source, std::size_t first_line) {
  scan_structure(text, source, first_line);
  // Messages without a column still name the record's line in a JSON Lines file.
  const std::string where = first_line > 1 ? fmt::format("{}:{}", source, first_line) : source;
  std::vector<Frame> frames;
  std::string duplicate;  // the message, set by the callback; thrown after the parser unwinds
  const auto on_event = [&](int, typename Json::parse_event_t event, Json& parsed) {
    using E = typename Json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        frames.push_back(Frame{event == E::object_start, 0, {}, {}});
        break;
      case E::key: {
        Frame& f = frames.back();
        f.key = parsed.template get<std::string>();
        if (!f.keys.insert(f.key).second && duplicate.empty()) {
          std::string path = path_of(frames);
          duplicate = fmt::format("{}: {}: duplicate key {}: each key may appear once in an object",
                                  where, path.empty() ? "(top level)" : path, brief_text(f.key));
        }
        break;
      }
      case E::object_end:
      case E::array_end:
        frames.pop_back();
        if (!frames.empty() && !frames.back().object) ++frames.back().index;
        break;
      case E::value:
        if (!frames.empty() && !frames.back().object) ++frames.back().index;
        break;
    }
    return true;
  };
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end(), on_event);
  } catch (const typename Json::parse_error& e) {
    const Position p = position_of(text, e.byte > 0 ? e.byte - 1 : 0, first_line);
    throw InputError(fmt::format("{}:{}:{}: invalid JSON: {}", source, p.line, p.column, e.what()));
  } catch (const typename Json::exception& e) {  // e.g. a number beyond a double's range
    throw InputError(fmt::format("{}: invalid JSON: {}", where, e.what()));
  }
  if (!duplicate.empty()) throw InputError(duplicate);
  return doc;
}

template nlohmann::json parse_json_text<nlohmann::json>(std::string_view, const std::string&,
                                                        std::size_t);
template nlohmann::ordered_json parse_json_text<nlohmann::ordered_json>(std::string_view,
                                                                        const std::string&,
                                                                        std::size_t);

nlohmann::json parse_json_file(const std::string& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw InputError(fmt::format("{}: must be a JSON file, got a directory", file));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open file", file));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError(fmt::format("{}: read error", file));
  return parse_json_text<nlohmann::json>(ss.str(), file);
}

}  // namespace maia
