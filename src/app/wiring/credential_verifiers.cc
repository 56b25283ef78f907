#include "app/wiring/credential_verifiers.h"

#include <algorithm>
#include <string>
#include <utility>

#include "adapters/identity/cognito/cognito_verifier.h"
#include "adapters/identity/ldap/ldap_credential_verifier.h"
#include "adapters/identity/oidc/oidc_password_verifier.h"
#include "adapters/net/http_client/curl_http_client.h"
#include "functions/builtin_credential_verifier.h"

namespace callgate::app {

namespace {

CurlHttpClientOptions identityHttpOptions(const std::string& caFile, Millis timeout) {
  CurlHttpClientOptions o;
  o.connectTimeout = std::min(Millis(2000), timeout);
  o.requestTimeout = timeout;
  o.maxResponseBytes = 256 * 1024;  // discovery documents and JWKS of large IdPs
  o.caFile = caFile;
  return o;
}

// An identity-provider verifier together with the HTTP client it borrows.
template <typename Verifier, typename Options>
class WithHttpClient final : public CredentialVerifier {
 public:
  WithHttpClient(Options options, const Clock& clock)
      : http_(identityHttpOptions(options.caFile, options.timeout)),
        inner_(std::move(options), http_, clock) {}
  std::string_view name() const override { return inner_.name(); }
  Result<CredentialCheck> verify(std::string_view userId, std::string_view secret) override {
    return inner_.verify(userId, secret);
  }

 private:
  CurlHttpClient http_;
  Verifier inner_;
};

}  // namespace

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
      return std::unique_ptr<CredentialVerifier>(
          std::make_unique<
              WithHttpClient<identity::OidcPasswordVerifier, identity::OidcVerifierConfig>>(
              c.oidc, deps.clock));
    case CredentialVerifierKind::kCognito:
      return std::unique_ptr<CredentialVerifier>(
          std::make_unique<
              WithHttpClient<identity::CognitoPasswordVerifier, identity::CognitoVerifierConfig>>(
              c.cognito, deps.clock));
  }
  return Error::invalidArgument("credentials.verifier: unknown kind");
}

}  // namespace callgate::app
