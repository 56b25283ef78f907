#include "adapters/platform/file/private_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "adapters/platform/file/unique_fd.h"

namespace callgate {

namespace {

Error ioError(std::string_view label, const std::string& path, const char* what, int err) {
  return Error::unavailable(std::string(label) + " " + path + ": " + what + ": " +
                            std::strerror(err));
}

}  // namespace

Status ensureParentDirectory(const std::string& path, std::string_view label) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return okStatus();
  if (Status s = ensurePrivateDirectory(parent.string(), label); !s.ok()) {
    return Error::unavailable(std::string(label) + " " + path + ": " + s.error().message());
  }
  return okStatus();
}

Status ensurePrivateDirectory(const std::string& dir, std::string_view label) {
  std::filesystem::path partial;
  for (const auto& part : std::filesystem::path(dir)) {
    partial /= part;
    if (part.empty() || part == "/" || part == "." || part == "..") continue;
    if (::mkdir(partial.c_str(), 0700) == 0) {
      // mkdir applied the umask (a umask of 0277 would leave it unusable): set the mode itself.
      if (::chmod(partial.c_str(), 0700) != 0) {
        return Error::unavailable(std::string(label) + ": cannot set the mode of directory " +
                                  partial.string() + ": " + std::strerror(errno));
      }
    } else if (errno != EEXIST) {
      return Error::unavailable(std::string(label) + ": cannot create directory " +
                                partial.string() + ": " + std::strerror(errno));
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Error::unavailable(std::string(label) + ": " + dir + " is not a directory");
  }
  return okStatus();
}

Status checkOwnedByUs(const struct stat& st, const std::string& path, std::string_view label) {
  const uid_t us = ::geteuid();
  if (st.st_uid == us) return okStatus();
  return Error::failedPrecondition(
      std::string(label) + " " + path + " is owned by uid " + std::to_string(st.st_uid) +
      ", not by the server's user (uid " + std::to_string(us) +
      "): refusing to load a key another user could have planted; if it is genuine, run chown " +
      std::to_string(us) + " " + path + " (and consider rotating the key)");
}

Result<bool> writePrivateFile(const std::string& path, std::string_view data, Publish how,
                              std::string_view label) {
  unsigned char suffix[8];
  randombytes_buf(suffix, sizeof suffix);
  char suffixHex[sizeof suffix * 2 + 1];
  sodium_bin2hex(suffixHex, sizeof suffixHex, suffix, sizeof suffix);
  const std::string temp = path + ".tmp-" + suffixHex;

  Status status = okStatus();
  {
    const UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) return ioError(label, temp, "cannot create", errno);
    // The umask can only clear bits from 0600, but make the mode explicit anyway.
    if (::fchmod(fd.get(), 0600) != 0) status = ioError(label, temp, "chmod failed", errno);
    size_t written = 0;
    while (status.ok() && written < data.size()) {
      const ssize_t n = ::write(fd.get(), data.data() + written, data.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        status = ioError(label, temp, "write failed", n < 0 ? errno : EIO);
      } else {
        written += static_cast<size_t>(n);
      }
    }
    if (status.ok() && ::fsync(fd.get()) != 0) status = ioError(label, temp, "fsync failed", errno);
  }
  bool published = false;
  if (status.ok() && how == Publish::kIfAbsent) {
    if (::link(temp.c_str(), path.c_str()) == 0) {
      published = true;
    } else if (errno != EEXIST) {
      status = ioError(label, path, "cannot create", errno);
    }
  } else if (status.ok()) {
    if (::rename(temp.c_str(), path.c_str()) == 0) {
      published = true;
      const std::filesystem::path parent = std::filesystem::path(path).parent_path();
      const UniqueFd dir(
          ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      if (dir.get() >= 0) ::fsync(dir.get());
    } else {
      status = ioError(label, path, "cannot replace", errno);
    }
  }
  ::unlink(temp.c_str());  // after link() the target keeps the data; after rename() it is gone
  if (!status.ok()) return status.error();
  return published;
}

}  // namespace callgate
