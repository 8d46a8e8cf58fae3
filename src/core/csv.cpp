#include "maia/core/csv.hpp"

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {
namespace {

enum class Scan { kDone, kOpenQuote };

// Splits `text` into `fields`; kOpenQuote when it ends inside a quoted field (the record goes on
// on the next line). Text after a closing quote is an InputError.
Scan split(std::string_view text, std::string_view where, std::vector<std::string>& fields) {
  fields.assign(1, std::string());
  bool quoted = false;
  bool closed = false;  // a quoted field has ended; only ',' may follow
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c != '"') {
        fields.back() += c;
      } else if (i + 1 < text.size() && text[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else {
        quoted = false;
        closed = true;
      }
    } else if (c == ',') {
      fields.emplace_back();
      closed = false;
    } else if (closed) {
      throw InputError(
          fmt::format("{}: field {}: text after the closing quote", where, fields.size()));
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else {
      fields.back() += c;  // a quote inside an unquoted field is kept as written
    }
  }
  return quoted ? Scan::kOpenQuote : Scan::kDone;
}

}  // namespace

CsvReader::CsvReader(std::istream& in, std::string name) : in_(in), name_(std::move(name)) {}

bool CsvReader::next(CsvRecord& out) {
  std::string line;
  if (!std::getline(in_, line)) return false;
  ++line_;
  if (line_ == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  out.line = line_;
  out.text = std::move(line);
  // A quoted field that is still open at the end of the line goes on on the next one.
  while (split(out.text, fmt::format("{}:{}", name_, out.line), out.fields) == Scan::kOpenQuote) {
    if (!std::getline(in_, line)) {
      if (in_.bad()) return false;
      throw InputError(
          fmt::format("{}:{}: unterminated quoted field (no closing '\"' before the "
                      "end of the file)",
                      name_, out.line));
    }
    ++line_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.text += '\n';
    out.text += line;
  }
  return true;
}

std::vector<std::string> split_csv_record(std::string_view text, std::string_view where) {
  std::vector<std::string> fields;
  if (split(text, where, fields) == Scan::kOpenQuote)
    throw InputError(fmt::format("{}: unterminated quoted field", where));
  return fields;
}

std::string csv_quote(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += csv_quote(fields[i]);
  }
  out += '\n';
  return out;
}

}  // namespace maia
