// An append-only line file (SMS outbox, audit log). Each line is one write(2) on an O_APPEND
// descriptor, so lines from several threads or processes never interleave. The file is opened
// per line: these files see a few lines a second at most, and reopening lets an operator
// rotate or remove them at any time without a signal. A file left ending mid-line (a power loss
// or a full disk; never a crash, which cannot split one write) gets the next line on a line of its
// own, so one torn line never takes a good one with it. Stateless apart from its settings, so
// thread-safe.
#pragma once

#include <string>

#include "common/result.h"

namespace callgate {

class AppendFile {
 public:
  // `label` names the file in errors ("sms outbox"); `mode` applies when it is created.
  AppendFile(std::string path, std::string label, unsigned mode = 0600)
      : path_(std::move(path)), label_(std::move(label)), mode_(mode) {}

  // Appends `line` plus '\n', creating the file and its parent directories if missing.
  // kUnavailable naming the path on any failure, including a short write (disk full).
  Status appendLine(std::string line) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string label_;
  unsigned mode_;
};

}  // namespace callgate
