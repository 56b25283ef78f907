// CallerTrust: how far callgate may believe the calling number of a SIP call, from STIR/SHAKEN.
// A signed Identity header (RFC 8224 PASSporT, SHAKEN extension RFC 8588) is checked against
// locally configured EC P-256 public keys or certificates with libsecsipid, and its claims (ppt,
// iat, orig, dest, attest) are decoded and compared here; nothing is ever fetched (the header's
// info= and the PASSporT's x5u are never dereferenced). Without an Identity header, a verstat
// parameter in P-Asserted-Identity (else From) counts only when the INVITE came from a configured
// trusted proxy. The verdict feeds core's isCallerIdTrusted(); see docs/STIR_SHAKEN.md.
// Ownership: the object owns copies of the keys (PEM text) read at create(); no file stays open.
// Thread-safety: immutable after create(); evaluate() is const and safe from any thread.
// Cost: with an Identity header, one ECDSA P-256 verification (~0.3 ms CPU, measured) per
// configured key until one verifies; without one, microseconds. It never blocks on I/O.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "core/trust_policy.h"

namespace callgate::stir {

struct CallerTrustOptions {
  std::vector<std::string> trustedProxies;  // IPv4/IPv6 addresses whose verstat we believe
  std::vector<std::string> publicKeyFiles;  // PEM EC P-256 public keys, or
  // PEM certificates (their public key is used; must be currently valid)
  std::vector<std::string> certificateFiles;
  std::chrono::seconds maxAge{60};  // iat freshness
};

struct TrustInput {
  std::string identityHeader, assertedIdentity, fromHeader, sourceAddress;
  std::string callerUser, dialledUser;  // raw user parts as the SIP layer gives them
  int64_t nowEpochSeconds = 0;
};

struct TrustVerdict {
  Attestation attestation = Attestation::kNone;  // core/trust_policy.h
  std::string source;                            // "identity", "verstat", "none"
  std::string detail;                            // short, loggable, no secrets and no phone numbers
};

class CallerTrust {
 public:
  // Reads every key and certificate file. kInvalidArgument naming the file when it cannot be
  // read, is not PEM, or is not an EC P-256 key; naming the entry for a trusted proxy that is not
  // an IP address; for maxAge outside 1 s .. 1 day. A certificate's validity period is checked at
  // each evaluate() against the call's time, so a long-running server notices it expire.
  static Result<CallerTrust> create(const CallerTrustOptions& options);

  // Never fails: anything wrong yields Attestation::kNone with a detail saying what, e.g.
  // "identity ok attest=A", "identity rejected: orig mismatch (438)", "identity rejected: stale
  // iat (403)", "verstat from untrusted 10.0.0.9 ignored". The SIP code in parentheses is the one
  // RFC 8224 gives for the failure (403 Stale Date, 436 Bad Identity Info, 437 Unsupported
  // Credential, 438 Invalid Identity Header); callgate does not reject the call, the caller steps
  // up.
  TrustVerdict evaluate(const TrustInput& input) const;

  size_t keyCount() const { return keys_.size(); }

 private:
  struct Key {
    std::string name;          // the file it came from, for details
    std::string publicKeyPem;  // SubjectPublicKeyInfo PEM, as libsecsipid takes it
    std::optional<int64_t> notBefore, notAfter;  // certificates only (epoch seconds)
  };
  using Address = std::array<unsigned char, 16>;  // IPv6, IPv4 as ::ffff:a.b.c.d

  CallerTrust() = default;
  TrustVerdict checkIdentity(const TrustInput& input) const;
  TrustVerdict checkVerstat(const TrustInput& input) const;
  bool isTrustedProxy(const std::string& address) const;

  std::vector<Key> keys_;
  std::vector<Address> proxies_;
  int64_t maxAgeSeconds_ = 60;
};

}  // namespace callgate::stir
