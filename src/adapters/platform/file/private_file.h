// Writing secret files (key files) so that nobody ever sees a half-written one: the bytes go to a
// fresh temporary file beside the target, created 0600 and fsynced, which is then published in
// one step. Error messages start with `label` ("key file", "secret key file") and the path, and
// never contain the data. Thread-safe (no shared state); callers serialise writers of one path.
#pragma once

#include <sys/stat.h>

#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate {

enum class Publish {
  kIfAbsent,  // link(2): never replaces; false when the path already exists (another writer won)
  kReplace,   // rename(2) over the path, then fsync the directory so the rename is durable
};

// Creates the directory that will hold `path`, if missing, and any missing parent: each one it
// creates is 0700 whatever the umask (state directories hold keys and customer data; with umask
// 000 they were 0777, open to any local user). Existing directories are left as they are.
// kUnavailable naming it on failure.
Status ensureParentDirectory(const std::string& path, std::string_view label);
Status ensurePrivateDirectory(const std::string& dir, std::string_view label);

// For a key or secret file about to be read (`st` from fstat of its open descriptor): refused
// (kFailedPrecondition naming the file, its owner and the fix) unless the server's own user owns
// it. A file planted by another user in a directory they could write is not our key, whatever
// its mode.
Status checkOwnedByUs(const struct stat& st, const std::string& path, std::string_view label);

// True when `data` is now at `path`; false only for kIfAbsent when the path already existed.
// I/O failures are kUnavailable. The temporary file is removed on every path.
Result<bool> writePrivateFile(const std::string& path, std::string_view data, Publish how,
                              std::string_view label);

}  // namespace callgate
