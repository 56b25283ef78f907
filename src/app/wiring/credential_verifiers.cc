#include "app/wiring/credential_verifiers.h"

#include "adapters/identity/ldap/ldap_credential_verifier.h"
#include "functions/builtin_credential_verifier.h"

namespace callgate::app {

Result<std::unique_ptr<CredentialVerifier>> makeCredentialVerifier(
    const Config& config, const CredentialVerifierDeps& deps) {
  const CredentialsConfig& c = config.credentials;
  switch (c.verifier) {
    case CredentialVerifierKind::kBuiltin:
      return std::unique_ptr<CredentialVerifier>(std::make_unique<BuiltinCredentialVerifier>(
          deps.credentials, deps.pinHasher, deps.customers, deps.clock));
    case CredentialVerifierKind::kLdap: {
      auto ldap = LdapCredentialVerifier::create(c.ldap);
      if (!ldap.ok()) return ldap.error();
      return std::unique_ptr<CredentialVerifier>(std::move(*ldap));
    }
    case CredentialVerifierKind::kOidc:
      // cred-idp: the OIDC password grant verifier.
      return Error::invalidArgument("credentials.verifier = \"oidc\" is not built yet");
    case CredentialVerifierKind::kCognito:
      // cred-idp: the Cognito USER_PASSWORD_AUTH verifier.
      return Error::invalidArgument("credentials.verifier = \"cognito\" is not built yet");
  }
  return Error::invalidArgument("credentials.verifier: unknown kind");
}

}  // namespace callgate::app
