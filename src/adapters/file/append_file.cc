#include "adapters/file/append_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace callgate {

Result<std::unique_ptr<AppendFile>> AppendFile::open(const std::string& path, unsigned mode) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Error::unavailable("cannot create directory for " + path + ": " + ec.message());
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode);
  if (fd < 0) return Error::unavailable("cannot open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<AppendFile>(new AppendFile(path, fd));
}

AppendFile::~AppendFile() { ::close(fd_); }

Status AppendFile::appendLine(std::string line) {
  line.push_back('\n');
  // POSIX makes an O_APPEND write atomic with respect to the file offset; for regular files
  // Linux writes it whole, so a short write here means the disk is full or similar.
  const ssize_t n = ::write(fd_, line.data(), line.size());
  if (n < 0) return Error::unavailable("cannot write " + path_ + ": " + std::strerror(errno));
  if (static_cast<size_t>(n) != line.size()) return Error::unavailable("short write to " + path_);
  return okStatus();
}

}  // namespace callgate
