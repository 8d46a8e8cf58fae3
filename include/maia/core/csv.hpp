#pragma once
// CSV as RFC 4180 defines it, the one reader and writer of every CSV file maia-sim reads or
// writes (traces, length tables, ops.csv, requests.csv, sweep results).
//
// Reading: fields are separated by ','; a field in double quotes may hold ',', '"' (doubled) and
// line breaks; lines end in LF or CRLF; a UTF-8 byte-order mark at the start is dropped. A line
// break inside a quoted field is read as "\n". An unterminated quoted field, or text after a
// closing quote, is an InputError naming the input and the line.
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace maia {

struct CsvRecord {
  std::vector<std::string> fields;
  std::int64_t line = 0;  // 1-based line the record starts on
  std::string text;       // the record as written (without its line ending), for messages

  // An empty line: one empty field, nothing written.
  bool blank() const { return text.empty(); }
};

class CsvReader {
 public:
  // `name` (a file path) starts every error message.
  CsvReader(std::istream& in, std::string name);

  // The next record into `out`; false at the end of the input (and on a read error: check the
  // stream's bad()).
  bool next(CsvRecord& out);

  // Lines read so far.
  std::int64_t lines() const { return line_; }

 private:
  std::istream& in_;
  std::string name_;
  std::int64_t line_ = 0;
};

// The fields of one record held in `text` (which may contain quoted line breaks); `where`
// ("file:line") starts error messages.
std::vector<std::string> split_csv_record(std::string_view text, std::string_view where);

// A field as written to a CSV file: in double quotes, with '"' doubled, when it holds ',', '"',
// CR or LF; otherwise unchanged.
std::string csv_quote(std::string_view field);

// A whole record: the fields quoted as needed, joined by ',', ending in '\n'.
std::string csv_row(const std::vector<std::string>& fields);

}  // namespace maia
