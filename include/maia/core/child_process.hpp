#pragma once
// A child process (a sweep point, a regression case): started with its output and errors in
// files, in its own process group (a terminal's Ctrl-C reaches only the parent, which then stops
// its children) and killed if the parent itself dies. Polled, never blocked on, so one thread
// runs many.
#include <optional>
#include <string>
#include <vector>

namespace maia {

struct ChildExit {
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it
  bool timed_out = false;
  double wall_s = 0;
};

class ChildProcess {
 public:
  // InputError when it cannot be started. stdout_file may equal stderr_file (one log); a
  // non-empty `cwd` is the child's working directory (exit code 126 when it cannot enter it).
  ChildProcess(const std::string& exe, const std::vector<std::string>& args,
               const std::string& stdout_file, const std::string& stderr_file,
               const std::string& cwd = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Its end, once it has ended; with timeout_s > 0, one running longer is killed and reported
  // as timed out.
  std::optional<ChildExit> poll(double timeout_s);
  // Kills it (and its group) and reaps it.
  void kill();

 private:
  int pid_ = -1;
  double start_s_ = 0;
};

// What a child that failed printed to `log_file` last: its last line holding "error: " (from that
// text on, the "error: " dropped), else its last non-empty line; cut at 500 characters.
std::string child_error_line(const std::string& log_file);

// Seconds on a monotonic clock (progress and timeouts only; never in results).
double monotonic_s();

}  // namespace maia
