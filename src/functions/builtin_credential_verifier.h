// BuiltinCredentialVerifier: the default CredentialVerifier ("builtin"), callgate's own store: the
// argon2id hash of the PIN (PinHasher) kept with the customer (CredentialStore, CustomerStore).
//
// Known and unknown user ids cost the same: one hash read and one argon2id verification (against
// the PinHasher's dummy hash when there is no stored one), then, only for a match, the customer
// read that names who it is. A malformed PIN is verified too and cannot match. On a match a hash
// made with an older cost is upgraded while the PIN is at hand (a failure to is logged, not
// returned). Errors are the database's (kUnavailable): verify-pin treats them as it treats every
// store failure, not as a directory outage.
//
// Borrows the ports, which must outlive it. Thread-safe (stateless over thread-safe ports).
#pragma once

#include "core/credential_verifier.h"
#include "core/ports.h"

namespace callgate {

inline constexpr std::string_view kBuiltinVerifierName = "builtin";

class BuiltinCredentialVerifier final : public CredentialVerifier {
 public:
  BuiltinCredentialVerifier(CredentialStore& credentials, const PinHasher& hasher,
                            CustomerStore& customers, const Clock& clock)
      : credentials_(credentials), hasher_(hasher), customers_(customers), clock_(clock) {}
  std::string_view name() const override { return kBuiltinVerifierName; }
  Result<CredentialCheck> verify(std::string_view userId, std::string_view secret) override;

 private:
  CredentialStore& credentials_;
  const PinHasher& hasher_;
  CustomerStore& customers_;
  const Clock& clock_;
};

}  // namespace callgate
