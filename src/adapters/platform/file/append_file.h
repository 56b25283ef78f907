// An append-only line file (SMS outbox, audit log). Each line is one write(2) on an O_APPEND
// descriptor, so lines from several threads or processes never interleave. The file is opened
// per line: these files see a few lines a second at most, and reopening lets an operator
// rotate or remove them at any time without a signal. A file left ending mid-line (a power loss
// or a full disk; never a crash, which cannot split one write) gets the next line on a line of its
// own, so one torn line never takes a good one with it. Stateless apart from its settings, so
// thread-safe.
//
// appendAfterTail() is for a file whose next line depends on the lines before it (the audit
// log's hash chain): under the same flock as the write it reads the file's tail (never the whole
// file) and lets the caller compute what to append from it, so writers in several processes
// still form one sequence.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

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

  // The end of the file as appendAfterTail() hands it over: its last complete lines (each ended
  // by '\n', given without it), oldest first. At least the last complete line when there is one
  // (the window grows to hold it, up to kMaxTailBytes), and otherwise whatever fits in
  // kTailWindowBytes. A torn last line (no '\n') is not among them. `fromStart`: the lines reach
  // back to the first byte of the file (an empty file: no lines and fromStart).
  struct Tail {
    std::span<const std::string_view> lines;
    bool fromStart = false;
  };
  static constexpr size_t kTailWindowBytes = 64 * 1024;
  static constexpr size_t kMaxTailBytes = 16 * 1024 * 1024;
  // What to append after `tail`: one or more lines joined by '\n' (a final '\n' is added); ""
  // appends nothing; an error appends nothing and is returned.
  using NextLines = std::function<Result<std::string>(const Tail& tail)>;

  // Takes the file's lock, reads its tail and appends what `next` returns, in one write(2)
  // (starting on a fresh line after a torn one, like appendLine). The lock is held across the
  // call to `next`, so keep it quick. Errors: as appendLine, plus `next`'s error as is, and
  // kUnavailable when the file cannot be read or locked (the tail would not be trustworthy).
  Status appendAfterTail(const NextLines& next) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string label_;
  unsigned mode_;
};

}  // namespace callgate
