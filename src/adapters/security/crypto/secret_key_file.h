// The server's secret key file: 32 random bytes stored as 64 hex characters, readable by the
// server's user only. It keys HmacCodeHasher (and anything else that needs a server secret), so
// it must survive restarts and be shared by the server and the CLI on one host.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate {

inline constexpr size_t kSecretKeyBytes = 32;

// Returns the 32 raw key bytes from `path`. If the file does not exist, creates it (and its
// directory) with mode 0600 from the CSPRNG; if two processes race to create it, both end up with
// the one that landed first. Refuses a key file with any group or other permission bits
// (kFailedPrecondition, saying how to fix it) and a file that is not 64 hex digits
// (kInvalidArgument). I/O failures are kUnavailable. Thread-safe; never logs the key.
Result<std::string> loadOrCreateSecretKey(const std::string& path);

// The 32 raw bytes of a key written as 64 hex digits (e.g. from an environment variable).
Result<std::string> decodeSecretKeyHex(std::string_view hex);

}  // namespace callgate
