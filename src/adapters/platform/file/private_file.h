// Writing secret files (key files) so that nobody ever sees a half-written one: the bytes go to a
// fresh temporary file beside the target, created 0600 and fsynced, which is then published in
// one step. Error messages start with `label` ("key file", "secret key file") and the path, and
// never contain the data. Thread-safe (no shared state); callers serialise writers of one path.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate {

enum class Publish {
  kIfAbsent,  // link(2): never replaces; false when the path already exists (another writer won)
  kReplace,   // rename(2) over the path, then fsync the directory so the rename is durable
};

// Creates the directory that will hold `path`, if missing. kUnavailable naming it on failure.
Status ensureParentDirectory(const std::string& path, std::string_view label);

// True when `data` is now at `path`; false only for kIfAbsent when the path already existed.
// I/O failures are kUnavailable. The temporary file is removed on every path.
Result<bool> writePrivateFile(const std::string& path, std::string_view data, Publish how,
                              std::string_view label);

}  // namespace callgate
