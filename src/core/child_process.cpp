#include "maia/core/child_process.hpp"

#include <fstream>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {

double monotonic_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ChildProcess::ChildProcess(const std::string& exe, const std::vector<std::string>& args,
                           const std::string& stdout_file, const std::string& stderr_file,
                           const std::string& cwd) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> words = {exe};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  const int out = ::open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int err = stderr_file == stdout_file
                      ? out
                      : ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const auto close_files = [&] {
    if (out >= 0) ::close(out);
    if (err >= 0 && err != out) ::close(err);
  };
  if (out < 0 || err < 0) {
    close_files();
    throw InputError(fmt::format("{}: cannot create the child's log files", stdout_file));
  }
  const pid_t parent = ::getpid();
  start_s_ = monotonic_s();
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the sweep died before prctl took effect
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    ::execv(exe.c_str(), argv.data());
    const char msg[] = "maia-sim: cannot execute the simulator\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(127);
  }
  close_files();
  if (pid_ < 0) throw InputError(fmt::format("cannot start a process: {}", std::strerror(errno)));
  ::setpgid(pid_, pid_);  // also from here, so that kill() finds the group at once
}

ChildProcess::~ChildProcess() { kill(); }

std::optional<ChildExit> ChildProcess::poll(double timeout_s) {
  if (pid_ < 0) return std::nullopt;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  ChildExit e;
  e.wall_s = monotonic_s() - start_s_;
  if (r == pid_) {
    pid_ = -1;
    if (WIFEXITED(status)) e.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
    return e;
  }
  if (timeout_s > 0 && e.wall_s > timeout_s) {
    kill();
    e.timed_out = true;
    return e;
  }
  return std::nullopt;
}

void ChildProcess::kill() {
  if (pid_ < 0) return;
  ::kill(-pid_, SIGKILL);
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

std::string child_error_line(const std::string& log_file) {
  std::ifstream in(log_file);
  std::string line, last, error;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    last = line;
    if (const auto at = line.find("error: "); at != std::string::npos) error = line.substr(at + 7);
  }
  std::string out = error.empty() ? last : error;
  if (out.size() > 500) out = out.substr(0, 497) + "...";
  return out;
}

}  // namespace maia
