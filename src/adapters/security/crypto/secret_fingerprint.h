// Secret fingerprints: what lets every node sharing one database check, at start, that it was
// given the same shared secrets (OTP HMAC key, PIN pepper) as the others, without any node ever
// writing a secret to the database. A node with a different OTP secret would otherwise reject
// every code the others sent, and one with a different pepper every PIN: refusing to start,
// naming the secret, is far easier to diagnose.
//
// The fingerprint is HMAC-SHA256 keyed by the secret over a fixed label and the secret's name,
// as "v1:" + 64 hex digits. It is a MAC of public text, so it reveals nothing about the secret
// that an exhaustive search over 256-bit keys could use, and it is not the hash of any other
// callgate value (the label is unique to this purpose; the name makes two secrets' fingerprints
// unrelated even if they were equal).
//
// Free functions; thread-safe; never log or return secret bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/cluster_state.h"

namespace callgate {

// The keyed fingerprint of `secret` (any length) recorded under `name`.
std::string secretFingerprint(std::string_view name, std::string_view secret);

struct SharedSecret {
  std::string name;          // e.g. "otp_secret"; the key in the store and in error messages
  std::string_view secret;   // borrowed raw bytes
  std::string configuredBy;  // how an operator sets it, for the error message
};

// Claims each secret's fingerprint in `store`: the first node records its own; every later one
// must match. kFailedPrecondition naming the first secret that differs, where it is configured
// and how to change a secret on every node (`callgate cluster forget-secrets`); store errors are
// passed on with the secret's name.
Status checkSharedSecrets(SecretFingerprintStore& store, const std::vector<SharedSecret>& secrets);

}  // namespace callgate
