#include "maia/sweep/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "maia/core/error.hpp"

namespace maia {
namespace {

namespace fs = std::filesystem;

// "pid 123 on host": the holder as it recorded itself ("" when it did not).
std::string holder_of(int fd) {
  char text[256] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string s = n > 0 ? std::string(text, static_cast<std::size_t>(n)) : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// Records this process in the lock file it holds exclusively.
void record_holder(int fd) {
  char host[128] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string me = fmt::format("pid {} on {}\n", ::getpid(), host);
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, me.data(), me.size(), 0);
}

int open_lock_file(const std::string& dir, const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    throw InputError(fmt::format("maia-sim sweep: --out {}: cannot create the lock file {}: {}",
                                 dir, file, std::strerror(errno)));
  return fd;
}

// Takes the lock without waiting; false when another process holds it.
bool try_lock(int fd, int mode, const std::string& dir, const std::string& file) {
  if (::flock(fd, mode | LOCK_NB) == 0) return true;
  if (errno == EWOULDBLOCK) return false;
  const std::string why = std::strerror(errno);
  ::close(fd);
  throw InputError(fmt::format("maia-sim sweep: --out {}: cannot lock {}: {}", dir, file, why));
}

[[noreturn]] void in_use(const std::string& dir, const std::string& file, const std::string& holder,
                         const std::string& by) {
  throw InputError(fmt::format(
      "maia-sim sweep: --out {} is being written by {} ({}; lock file {}): wait until it ends, "
      "or give another --out",
      dir, by, holder.empty() ? "process unknown" : holder, file));
}

}  // namespace

SweepOutputLock::SweepOutputLock(const std::string& dir, SweepShard shard) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError(fmt::format("maia-sim sweep: --out {}: exists and is not a folder", dir));
  fs::create_directories(dir, ec);
  if (ec)
    throw InputError(
        fmt::format("maia-sim sweep: --out {}: cannot create the folder: {}", dir, ec.message()));
  const std::string folder_file = (fs::path(dir) / ".sweep.lock").string();
  folder_fd_ = open_lock_file(dir, folder_file);
  const bool whole = shard.count == 1;
  if (!try_lock(folder_fd_, whole ? LOCK_EX : LOCK_SH, dir, folder_file)) {
    const std::string holder = holder_of(folder_fd_);
    ::close(folder_fd_);
    folder_fd_ = -1;
    in_use(dir, folder_file, holder,
           holder.empty() ? "another sweep or its shards" : "another sweep");
  }
  if (whole) {
    record_holder(folder_fd_);
    return;
  }
  // A shard: the folder lock is shared among shards (none records itself there; a stale record
  // of an earlier whole sweep is cleared), its own lock is exclusive.
  (void)!::ftruncate(folder_fd_, 0);
  const std::string shard_file =
      (fs::path(dir) / fmt::format(".sweep.shard-{}-of-{}.lock", shard.index, shard.count))
          .string();
  shard_fd_ = open_lock_file(dir, shard_file);
  if (!try_lock(shard_fd_, LOCK_EX, dir, shard_file)) {
    const std::string holder = holder_of(shard_fd_);
    ::close(shard_fd_);
    ::close(folder_fd_);
    shard_fd_ = folder_fd_ = -1;
    in_use(dir, shard_file, holder,
           fmt::format("another run of shard {}/{}", shard.index, shard.count));
  }
  record_holder(shard_fd_);
}

SweepOutputLock::~SweepOutputLock() {
  if (shard_fd_ >= 0) ::close(shard_fd_);
  if (folder_fd_ >= 0) ::close(folder_fd_);
}

}  // namespace maia
