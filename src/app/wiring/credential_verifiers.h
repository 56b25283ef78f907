// The CredentialVerifier behind verify-pin, chosen by [credentials] verifier: callgate's own
// store (builtin), LDAP / Active Directory, an OIDC password grant, or Amazon Cognito.
#pragma once

#include <memory>

#include "app/config/config.h"
#include "core/credential_verifier.h"
#include "core/ports.h"

namespace callgate::app {

// What a verifier may borrow; all must outlive it.
struct CredentialVerifierDeps {
  CredentialStore& credentials;
  const PinHasher& pinHasher;
  CustomerStore& customers;
  const Clock& clock;
};

// The verifier config.credentials names, built from its options (already checked by
// loadConfig). kInvalidArgument naming the key when it cannot be built.
Result<std::unique_ptr<CredentialVerifier>> makeCredentialVerifier(
    const Config& config, const CredentialVerifierDeps& deps);

}  // namespace callgate::app
