#include "adapters/platform/file/append_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "adapters/platform/file/private_file.h"
#include "adapters/platform/file/unique_fd.h"

namespace callgate {
namespace {

bool lockExclusive(int fd) {
  int rc;
  do {
    rc = ::flock(fd, LOCK_EX);
  } while (rc != 0 && errno == EINTR);
  return rc == 0;
}

bool endsMidLine(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0) return false;
  char last = '\n';
  return ::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n';
}

}  // namespace

Status AppendFile::appendLine(std::string line) const {
  auto fail = [&](const std::string& what, int err) {
    return Error::unavailable(label_ + " " + path_ + ": " + what + ": " + std::strerror(err));
  };
  line.push_back('\n');
  if (Status dir = ensureParentDirectory(path_, label_); !dir.ok()) return dir;
  // Read access only to look at the last byte (below); a file we may only write to is still
  // appended to, unchecked.
  UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, mode_));
  const bool readable = fd.get() >= 0;
  if (!readable && errno == EACCES) {
    fd = UniqueFd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode_));
  }
  if (fd.get() < 0) return fail("cannot open", errno);
  // A crash can never tear a line (one write below), but a power loss or a full disk can leave
  // the file ending mid-line. Start on a fresh line then, or this line would be glued to the
  // torn one and be lost to every reader along with it. The lock (every writer takes it, each on
  // a descriptor of its own; closing releases it) keeps another writer's line from being half
  // visible while the last byte is read. Without it the check is skipped.
  if (readable && lockExclusive(fd.get()) && endsMidLine(fd.get())) {
    line.insert(line.begin(), '\n');
  }
  // One write() of the whole line: with O_APPEND the kernel places it atomically at the end. A
  // short write (disk full) is reported, not completed, since a second write could be split
  // from the first by another writer.
  ssize_t written;
  do {
    written = ::write(fd.get(), line.data(), line.size());
  } while (written < 0 && errno == EINTR);  // interrupted before writing anything
  if (written < 0) return fail("write failed", errno);
  if (static_cast<size_t>(written) != line.size()) {
    return Error::unavailable(label_ + " " + path_ + ": short write (" + std::to_string(written) +
                              " of " + std::to_string(line.size()) + " bytes)");
  }
  return okStatus();
}

}  // namespace callgate
