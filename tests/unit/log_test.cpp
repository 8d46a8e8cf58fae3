// The library logger (maia/core/log.hpp): level names, and that a debug line is emitted only
// when the level allows it, from the logger itself and from a library decision (a scheduler
// rejection). The CLI flags are checked end to end in tests/cli/cli_test.sh.
#include <gtest/gtest.h>

#include <string>

#include <systemc>

#include "log_capture.hpp"
#include "maia/core/log.hpp"
#include "maia/serving/scheduler/scheduler.hpp"

namespace maia {
namespace {

// Restores the default level after each test.
class Log : public ::testing::Test {
 protected:
  void TearDown() override { set_log_level(spdlog::level::warn); }
};

TEST_F(Log, LevelNames) {
  EXPECT_EQ(parse_log_level("trace"), spdlog::level::trace);
  EXPECT_EQ(parse_log_level("debug"), spdlog::level::debug);
  EXPECT_EQ(parse_log_level("info"), spdlog::level::info);
  EXPECT_EQ(parse_log_level("warn"), spdlog::level::warn);
  EXPECT_EQ(parse_log_level("error"), spdlog::level::err);
  EXPECT_EQ(parse_log_level("off"), spdlog::level::off);
  EXPECT_EQ(parse_log_level("warning"), std::nullopt);
  EXPECT_EQ(parse_log_level("DEBUG"), std::nullopt);
  EXPECT_EQ(parse_log_level(""), std::nullopt);
}

TEST_F(Log, DefaultIsWarn) { EXPECT_EQ(logger().level(), spdlog::level::warn); }

TEST_F(Log, DebugLineOnlyWhenTheLevelAllowsIt) {
  LogCapture log;
  logger().debug("hidden {}", 1);
  logger().info("hidden too");
  logger().warn("shown {}", 2);
  EXPECT_EQ(log.text(), "warning: shown 2\n");

  set_log_level(spdlog::level::debug);
  logger().debug("now shown {}", 3);
  logger().trace("still hidden");
  EXPECT_EQ(log.text(), "warning: shown 2\ndebug: now shown 3\n");

  set_log_level(spdlog::level::off);
  logger().error("nothing at off");
  EXPECT_EQ(log.text(), "warning: shown 2\ndebug: now shown 3\n");
}

TEST_F(Log, SchedulerRejectionIsADebugLine) {
  SchedulerConfig c;
  c.kv_blocks = 4;  // 64 tokens of KV
  Request big;
  big.id = 7;
  big.input_tokens = 100;
  big.output_tokens = 1;
  {
    LogCapture log;
    Scheduler quiet(c);
    EXPECT_FALSE(quiet.submit(big));
    EXPECT_EQ(log.text(), "");
  }
  set_log_level(spdlog::level::debug);
  LogCapture log;
  Scheduler chatty(c);
  EXPECT_FALSE(chatty.submit(big));
  EXPECT_EQ(log.text(),
            "debug: scheduler: request 7 rejected: needs 7 KV blocks (100 prompt + 1 output "
            "tokens, 16 tokens per block) but the KV cache holds 4\n");
}

}  // namespace
}  // namespace maia

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
