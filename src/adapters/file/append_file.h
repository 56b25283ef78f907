// An append-only line file (outbox, audit log). Each line goes out in one write(2) on an
// O_APPEND descriptor, so lines from several threads or processes never interleave.
// Owns its descriptor. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace callgate {

class AppendFile {
 public:
  // Creates the file (mode `mode`) and its parent directories if missing.
  static Result<std::unique_ptr<AppendFile>> open(const std::string& path, unsigned mode = 0640);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Appends `line` plus '\n'.
  Status appendLine(std::string line);
  const std::string& path() const { return path_; }

 private:
  AppendFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

}  // namespace callgate
