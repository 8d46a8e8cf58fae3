// The CSV module (maia/core/csv.hpp): RFC 4180 reading (quoted fields, doubled quotes, CRLF,
// line breaks inside quotes, line numbers in errors) and quoting on writing. Every expected
// value is written out by hand.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <systemc>

#include "maia/core/csv.hpp"
#include "maia/core/error.hpp"

namespace maia {
namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> read_all(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in, "f.csv");
  std::vector<CsvRecord> out;
  CsvRecord r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

std::string error_of(const std::string& text) {
  try {
    read_all(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CsvRead, PlainAndEmptyFields) {
  EXPECT_EQ(split_csv_record("a,b,c", "w"), (Fields{"a", "b", "c"}));
  EXPECT_EQ(split_csv_record("a,,b,", "w"), (Fields{"a", "", "b", ""}));
  EXPECT_EQ(split_csv_record("", "w"), (Fields{""}));
  EXPECT_EQ(split_csv_record(" a , b ", "w"), (Fields{" a ", " b "}));  // spaces are data
}

TEST(CsvRead, QuotedFields) {
  EXPECT_EQ(split_csv_record(R"("a,b",c)", "w"), (Fields{"a,b", "c"}));
  EXPECT_EQ(split_csv_record(R"("say ""hi""",x)", "w"), (Fields{R"(say "hi")", "x"}));
  EXPECT_EQ(split_csv_record(R"("",x,"")", "w"), (Fields{"", "x", ""}));
  EXPECT_EQ(split_csv_record(R"("""")", "w"), (Fields{R"(")"}));
  // A quote inside an unquoted field is data.
  EXPECT_EQ(split_csv_record(R"(5" disk,x)", "w"), (Fields{R"(5" disk)", "x"}));
}

TEST(CsvRead, LineEndingsBomAndLineNumbers) {
  const auto r = read_all("\xEF\xBB\xBFh1,h2\r\n1,2\r\n\r\n3,4");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].fields, (Fields{"h1", "h2"}));
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[1].fields, (Fields{"1", "2"}));
  EXPECT_EQ(r[1].text, "1,2");
  EXPECT_TRUE(r[2].blank());
  EXPECT_EQ(r[2].line, 3);
  EXPECT_EQ(r[3].fields, (Fields{"3", "4"}));
  EXPECT_EQ(r[3].line, 4);
}

TEST(CsvRead, LineBreaksInsideQuotes) {
  const auto r = read_all("a,\"line one\nline \"\"two\"\"\",b\nc,\"x\r\ny\"\r\nd,e\n");
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].fields, (Fields{"a", "line one\nline \"two\"", "b"}));
  EXPECT_EQ(r[0].line, 1);
  EXPECT_EQ(r[0].text, "a,\"line one\nline \"\"two\"\"\",b");
  EXPECT_EQ(r[1].fields, (Fields{"c", "x\ny"}));  // a quoted CRLF is read as "\n"
  EXPECT_EQ(r[1].line, 3);
  EXPECT_EQ(r[2].fields, (Fields{"d", "e"}));
  EXPECT_EQ(r[2].line, 5);
}

TEST(CsvRead, MalformedQuotingNamesFileAndLine) {
  EXPECT_EQ(error_of("h\nok\n\"open\nstill open\n"),
            "f.csv:3: unterminated quoted field (no closing '\"' before the end of the file)");
  EXPECT_EQ(error_of("h\n\"ab\"c,d\n"), "f.csv:2: field 1: text after the closing quote");
  EXPECT_EQ(error_of("a,\"b\" ,c\n"), "f.csv:1: field 2: text after the closing quote");
  try {
    split_csv_record("x,\"y", "t.csv:7");
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "t.csv:7: unterminated quoted field");
  }
}

TEST(CsvWrite, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(csv_quote("plain text"), "plain text");
  EXPECT_EQ(csv_quote(""), "");
  EXPECT_EQ(csv_quote("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_quote("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_quote("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_quote("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_row({"a", "b,c", "", "\""}), "a,\"b,c\",,\"\"\"\"\n");
}

TEST(CsvWrite, ReaderReadsBackWhatTheWriterWrote) {
  const Fields fields = {"id", "a,b", "say \"hi\"", "", "multi\nline", " spaced "};
  const auto r = read_all(csv_row(fields) + csv_row({"next"}));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].fields, fields);
  EXPECT_EQ(r[1].fields, (Fields{"next"}));
  EXPECT_EQ(r[1].line, 3);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
