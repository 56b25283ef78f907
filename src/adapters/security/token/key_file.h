// The legacy JWT signing-key file, from before the keys lived in the database (see key_ring.h):
// KeyRing::open imports it once into an empty SigningKeyStore and never writes or deletes it. A
// JSON document holding every key of the ring, readable by the server's user only (like the OTP
// secret key file, see adapters/crypto/secret_key_file.h).
//
//   {"format":"callgate-jwt-keys/1",
//    "keys":[{"kid":"<RFC 7638 thumbprint>","created_at":<unix seconds>,"seed":"<base64url>"}]}
//
// `seed` is the 32-byte Ed25519 private seed. The kid is re-derived on load and must match.
// writeKeyFile replaces the file atomically (private temp file, fsync, rename); it remains for
// tests and tools that produce a file to import. Reading refuses a file with any group or other
// permission bits. Free functions; thread-safe (no shared state); never log key material.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/security/token/key_set.h"
#include "common/result.h"

namespace callgate::token {

// True if something exists at `path` (the legacy file is still lying around).
bool keyFileExists(const std::string& path);

// Reads and validates the key file. kNotFound if it does not exist; kFailedPrecondition if its
// permissions are too open (saying how to fix it); kInvalidArgument if it is malformed;
// kUnavailable for I/O errors.
Result<std::vector<Ed25519Key>> readKeyFile(const std::string& path);

// Atomically replaces (or creates, with its directory) the key file with `keys`, mode 0600.
Status writeKeyFile(const std::string& path, const std::vector<Ed25519Key>& keys);

}  // namespace callgate::token
