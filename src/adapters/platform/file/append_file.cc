#include "adapters/platform/file/append_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "adapters/platform/file/private_file.h"
#include "adapters/platform/file/unique_fd.h"

namespace callgate {

Status AppendFile::appendLine(std::string line) const {
  auto fail = [&](const std::string& what, int err) {
    return Error::unavailable(label_ + " " + path_ + ": " + what + ": " + std::strerror(err));
  };
  line.push_back('\n');
  if (Status dir = ensureParentDirectory(path_, label_); !dir.ok()) return dir;
  const UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode_));
  if (fd.get() < 0) return fail("cannot open", errno);
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
