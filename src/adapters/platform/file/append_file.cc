#include "adapters/platform/file/append_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

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

// One write() of the whole text: with O_APPEND the kernel places it atomically at the end. A
// short write (disk full) is reported, not completed, since a second write could be split from
// the first by another writer.
Status writeAll(int fd, const std::string& text, const std::string& what) {
  ssize_t written;
  do {
    written = ::write(fd, text.data(), text.size());
  } while (written < 0 && errno == EINTR);  // interrupted before writing anything
  if (written < 0) {
    return Error::unavailable(what + ": write failed: " + std::strerror(errno));
  }
  if (static_cast<size_t>(written) != text.size()) {
    return Error::unavailable(what + ": short write (" + std::to_string(written) + " of " +
                              std::to_string(text.size()) + " bytes)");
  }
  return okStatus();
}

// Reads the last `size` bytes before `end` into `buffer`.
bool readRange(int fd, off_t end, size_t size, std::string& buffer) {
  buffer.resize(size);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, buffer.data() + done, size - done,
                              end - static_cast<off_t>(size) + static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Status AppendFile::appendAfterTail(const NextLines& next) const {
  const std::string what = label_ + " " + path_;
  auto fail = [&](const std::string& why, int err) {
    return Error::unavailable(what + ": " + why + ": " + std::strerror(err));
  };
  if (Status dir = ensureParentDirectory(path_, label_); !dir.ok()) return dir;
  UniqueFd fd(::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, mode_));
  if (fd.get() < 0) return fail("cannot open", errno);
  // Every writer takes the lock, so the tail read here is still the tail when the write lands.
  if (!lockExclusive(fd.get())) return fail("cannot lock", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail("cannot stat", errno);
  const off_t size = st.st_size;

  // The window ends at the file's end; it grows (doubling) until it holds one complete line or
  // the whole file. A record is a few hundred bytes, so the first 64 KiB read is nearly always it.
  std::string buffer;
  size_t window = kTailWindowBytes;
  std::vector<std::string_view> lines;
  bool fromStart = false;
  bool tornEnd = false;
  for (;;) {
    const size_t want = std::min(static_cast<size_t>(size), window);
    if (!readRange(fd.get(), size, want, buffer)) return fail("cannot read the tail", errno);
    fromStart = want == static_cast<size_t>(size);
    std::string_view text(buffer);
    tornEnd = !text.empty() && text.back() != '\n';
    // Drop the torn end; what is left ends with '\n' or is empty.
    const size_t lastNewline = text.rfind('\n');
    text = lastNewline == std::string_view::npos ? std::string_view() : text.substr(0, lastNewline);
    // The first piece of a window that does not start the file may be a line's end: dropped.
    lines.clear();
    bool usable = lastNewline != std::string_view::npos;
    if (usable && !fromStart) {
      const size_t firstNewline = text.find('\n');
      usable = firstNewline != std::string_view::npos;
      if (usable) text.remove_prefix(firstNewline + 1);
    }
    // `text` was cut before its last '\n', so every piece is one complete line.
    while (usable) {
      const size_t nl = text.find('\n');
      lines.push_back(text.substr(0, nl));
      if (nl == std::string_view::npos) break;
      text.remove_prefix(nl + 1);
    }
    if (!lines.empty() || fromStart) break;
    if (window >= kMaxTailBytes) {
      return Error::unavailable(what + ": no complete line in the last " +
                                std::to_string(kMaxTailBytes) + " bytes");
    }
    window *= 2;
  }

  auto text = next(Tail{lines, fromStart});
  if (!text.ok()) return text.error();
  std::string out = std::move(*text);
  if (out.empty()) return okStatus();
  out.push_back('\n');
  if (tornEnd) out.insert(out.begin(), '\n');  // as appendLine: a line of its own
  return writeAll(fd.get(), out, what);
}

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
  return writeAll(fd.get(), line, label_ + " " + path_);
}

}  // namespace callgate
