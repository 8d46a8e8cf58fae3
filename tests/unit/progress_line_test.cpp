// The progress line (maia/core/progress_line.hpp) when stderr is not a terminal, as in logs and
// CI: plain prefixed lines, none before the period has passed unless forced.
#include <gtest/gtest.h>

#include <string>

#include <systemc>

#include "maia/core/progress_line.hpp"

namespace maia {
namespace {

TEST(ProgressLine, PlainLinesWhenNotATerminal) {
  testing::internal::CaptureStderr();  // stderr is a file now: not a terminal
  int made = 0;
  {
    ProgressLine line(3600.0, "progress: ");
    const auto make = [&made](double wall) {
      ++made;
      return wall >= 0 ? std::string("3/4 done") : std::string("negative wall time");
    };
    line.update(make);        // the period has not passed: nothing, and no line is formatted
    line.update(make, true);  // forced
    line.update(make);        // still within the period
    line.finish();            // nothing to end on a plain stream
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "progress: 3/4 done\n");
  EXPECT_EQ(made, 1);
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
