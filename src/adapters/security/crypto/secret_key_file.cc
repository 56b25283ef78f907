#include "adapters/security/crypto/secret_key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "adapters/platform/file/private_file.h"
#include "adapters/platform/file/unique_fd.h"
#include "adapters/security/crypto/sodium_init.h"

namespace callgate {
namespace {

constexpr size_t kHexChars = kSecretKeyBytes * 2;

Error ioError(const std::string& path, const char* what, int err) {
  return Error::unavailable("secret key file " + path + ": " + what + ": " + std::strerror(err));
}

std::string modeString(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// Reads an existing key file. The permission check uses fstat on the open descriptor, so it
// applies to the very file read (no check-then-open race).
Result<std::string> readKey(const std::string& path, int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return ioError(path, "stat failed", errno);
  if (!S_ISREG(st.st_mode)) {
    return Error::invalidArgument("secret key file " + path + " is not a regular file");
  }
  if (Status owner = checkOwnedByUs(st, path, "secret key file"); !owner.ok()) {
    return owner.error();
  }
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    const std::string fix = "chmod 600 " + path;
    return Error::failedPrecondition("secret key file " + path + " has mode " +
                                     modeString(st.st_mode) +
                                     ": it must not be accessible by group or others; run " + fix +
                                     " (and consider rotating the key)");
  }
  char buf[kHexChars + 64];
  size_t size = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf + size, sizeof buf - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ioError(path, "read failed", errno);
    if (n == 0) break;
    size += static_cast<size_t>(n);
    if (size == sizeof buf) break;  // too long to be a key; reported below
  }
  while (size > 0 && std::isspace(static_cast<unsigned char>(buf[size - 1])) != 0) --size;

  auto key = decodeSecretKeyHex(std::string_view(buf, size));
  sodium_memzero(buf, sizeof buf);
  if (!key.ok())
    return Error::invalidArgument("secret key file " + path + ": " + key.error().message());
  return key;
}

// Writes a new key to a private temporary file, then link()s it into place: link fails with
// EEXIST instead of overwriting, so when two processes race the first key to land wins, and
// nobody ever sees a half-written key file.
Result<bool> createKey(const std::string& path) {
  unsigned char key[kSecretKeyBytes];
  randombytes_buf(key, sizeof key);
  char hex[kHexChars + 1];
  sodium_bin2hex(hex, sizeof hex, key, sizeof key);
  sodium_memzero(key, sizeof key);
  hex[kHexChars] = '\n';  // replaces the terminator: the file ends with a newline

  auto written = writePrivateFile(path, std::string_view(hex, sizeof hex), Publish::kIfAbsent,
                                  "secret key file");
  sodium_memzero(hex, sizeof hex);
  if (!written.ok()) return written.error();
  return true;
}

}  // namespace

Result<std::string> loadOrCreateSecretKey(const std::string& path) {
  if (path.empty()) return Error::invalidArgument("empty secret key file path");
  if (Status s = ensureSodiumInitialized(); !s.ok()) return s.error();
  for (int attempt = 0; attempt < 2; ++attempt) {
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() >= 0) return readKey(path, fd.get());
    if (errno != ENOENT) return ioError(path, "cannot open", errno);

    if (Status dir = ensureParentDirectory(path, "secret key file"); !dir.ok()) return dir.error();
    auto created = createKey(path);
    if (!created) return created.error();
    // Loop to read back whichever key is now in place (ours, or a racing process's).
  }
  return Error::unavailable("secret key file " + path + " vanished while being created");
}

Result<std::string> decodeSecretKeyHex(std::string_view hex) {
  std::string key(kSecretKeyBytes, '\0');
  size_t decoded = 0;
  const char* end = nullptr;
  const bool ok = hex.size() == kHexChars &&
                  sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(),
                                 hex.data(), hex.size(), nullptr, &decoded, &end) == 0 &&
                  decoded == kSecretKeyBytes && end == hex.data() + hex.size();
  if (!ok) {
    sodium_memzero(key.data(), key.size());
    return Error::invalidArgument("a secret key must be exactly " + std::to_string(kHexChars) +
                                  " hex digits (a " + std::to_string(kSecretKeyBytes) +
                                  "-byte key)");
  }
  return key;
}

}  // namespace callgate
