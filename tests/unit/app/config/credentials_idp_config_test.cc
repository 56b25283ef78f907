// [credentials.oidc] and [credentials.cognito]: read by key, secrets from the environment winning
// over the file, checked only when chosen, and errors that name the key and never the secret.
#include <gtest/gtest.h>

#include <cstdlib>

#include "app/config/config.h"

namespace callgate::app {
namespace {

constexpr const char* kOidc = R"([credentials]
verifier = "oidc"
timeout_ms = 2500
[credentials.oidc]
issuer = "https://sso.bank.example/realms/bank"
client_id = "callgate-ivr"
client_secret = "from-file"
)";

constexpr const char* kCognito = R"([credentials]
verifier = "cognito"
[credentials.cognito]
region = "eu-west-1"
user_pool_id = "eu-west-1_AbCdEf123"
client_id = "4bmsrr65ah3oas5d4sd54st11k"
)";

Result<CredentialsConfig> read(const std::string& text) {
  Config c;
  if (Status s = applyToml(text, "t.toml", c); !s.ok()) return s.error();
  if (Status s = resolveCredentialsConfig(c.credentials); !s.ok()) return s.error();
  return c.credentials;
}

std::string failure(const std::string& text) {
  auto c = read(text);
  return c.ok() ? "accepted" : c.error().message();
}

TEST(CredentialsIdpConfigTest, ReadsTheOidcTable) {
  auto c = read(std::string(kOidc) + R"(client_auth = "client_secret_post"
token_endpoint = "https://sso.bank.example/token"
jwks_uri = "https://sso.bank.example/certs"
scope = "openid phone"
id_token_algorithms = ["RS256", "ES256"]
leeway_seconds = 30
ca_file = ""
jwks_min_refetch_seconds = 10
subject_claim = "preferred_username"
phone_verified_claim = ""
level_claim = "tier"
phone_region = "GB"
)");
  ASSERT_TRUE(c.ok()) << c.error().toString();
  const identity::OidcVerifierConfig& o = c->oidc;
  EXPECT_EQ(c->verifier, CredentialVerifierKind::kOidc);
  EXPECT_EQ(o.issuer, "https://sso.bank.example/realms/bank");
  EXPECT_EQ(o.clientId, "callgate-ivr");
  EXPECT_EQ(o.clientSecret, "from-file");
  EXPECT_EQ(o.clientAuth, identity::OidcClientAuth::kClientSecretPost);
  EXPECT_EQ(o.tokenEndpoint, "https://sso.bank.example/token");
  EXPECT_EQ(o.scope, "openid phone");
  EXPECT_EQ(o.algorithms, (std::vector<std::string>{"RS256", "ES256"}));
  EXPECT_EQ(o.leeway, Seconds(30));
  EXPECT_EQ(o.jwksMinRefetchInterval, Seconds(10));
  EXPECT_EQ(o.timeout, Millis(2500));  // [credentials] timeout_ms: the whole check
  EXPECT_EQ(o.mapping.subjectClaim, "preferred_username");
  EXPECT_EQ(o.mapping.phoneVerifiedClaim, "");
  EXPECT_EQ(o.mapping.levelClaim, "tier");
  EXPECT_EQ(o.mapping.defaultRegion, "GB");
}

TEST(CredentialsIdpConfigTest, TheEnvironmentsSecretsWinOverTheFile) {
  ::setenv("CALLGATE_OIDC_CLIENT_SECRET", "oidc-from-env", 1);
  ::setenv("CALLGATE_COGNITO_CLIENT_SECRET", "cognito-from-env", 1);
  auto oidc = read(kOidc);
  auto cognito = read(std::string(kCognito) + "client_secret = \"from-file\"\n");
  ::unsetenv("CALLGATE_OIDC_CLIENT_SECRET");
  ::unsetenv("CALLGATE_COGNITO_CLIENT_SECRET");
  ASSERT_TRUE(oidc.ok()) << oidc.error().toString();
  ASSERT_TRUE(cognito.ok()) << cognito.error().toString();
  EXPECT_EQ(oidc->oidc.clientSecret, "oidc-from-env");
  EXPECT_EQ(cognito->cognito.clientSecret, "cognito-from-env");
}

TEST(CredentialsIdpConfigTest, UnknownKeysAndBadValuesAreErrorsNamingTheKey) {
  EXPECT_NE(failure(std::string(kOidc) + "clientid = \"x\"\n").find("credentials.oidc.clientid"),
            std::string::npos);
  EXPECT_NE(failure(std::string(kCognito) + "pool = \"x\"\n").find("credentials.cognito.pool"),
            std::string::npos);
  EXPECT_NE(failure(std::string(kOidc) + "client_auth = \"private_key_jwt\"\n")
                .find("credentials.oidc.client_auth"),
            std::string::npos);
  EXPECT_NE(failure(std::string(kOidc) + "leeway_seconds = 3600\n").find("leeway_seconds"),
            std::string::npos);
  EXPECT_NE(failure(std::string(kOidc) + "id_token_algorithms = [\"HS256\"]\n")
                .find("id_token_algorithms"),
            std::string::npos);
  EXPECT_NE(failure(std::string(kOidc) + "phone_region = \"usa\"\n").find("phone_region"),
            std::string::npos);
  EXPECT_NE(failure(std::string(kOidc) + "ca_file = \"/nonexistent/ca.pem\"\n").find("ca_file"),
            std::string::npos);
}

TEST(CredentialsIdpConfigTest, TheChosenVerifierNeedsItsKeys) {
  EXPECT_EQ(failure("[credentials]\nverifier = \"oidc\"\n"), "credentials.oidc.issuer is required");
  const std::string noSecret = failure(R"([credentials]
verifier = "oidc"
[credentials.oidc]
issuer = "https://idp.example"
client_id = "c"
)");
  EXPECT_NE(noSecret.find("credentials.oidc.client_secret"), std::string::npos);
  EXPECT_NE(failure("[credentials]\nverifier = \"cognito\"\n").find("credentials.cognito.region"),
            std::string::npos);
  // Another verifier's table is read by key but not required to be complete.
  EXPECT_EQ(failure("[credentials.oidc]\nclient_id = \"c\"\n"), "accepted");
}

TEST(CredentialsIdpConfigTest, PlainHttpOnlyToLoopbackUnlessAllowed) {
  const std::string remote = R"([credentials]
verifier = "oidc"
[credentials.oidc]
issuer = "http://sso.bank.example/realms/bank"
client_id = "c"
client_secret = "topsecret"
)";
  const std::string message = failure(remote);
  EXPECT_NE(message.find("credentials.oidc.issuer"), std::string::npos) << message;
  EXPECT_EQ(message.find("topsecret"), std::string::npos);
  EXPECT_EQ(failure(remote + "allow_insecure = true\n"), "accepted");
  EXPECT_EQ(failure(std::string(kCognito) + "endpoint = \"http://127.0.0.1:9229/\"\n"), "accepted");
  EXPECT_NE(failure(std::string(kCognito) + "endpoint = \"http://cognito.internal/\"\n")
                .find("credentials.cognito.endpoint"),
            std::string::npos);
}

TEST(CredentialsIdpConfigTest, CognitoDefaults) {
  auto c = read(kCognito);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->cognito.effectiveEndpoint(), "https://cognito-idp.eu-west-1.amazonaws.com/");
  EXPECT_EQ(
      c->cognito.effectiveJwksUri(),
      "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json");
  EXPECT_EQ(c->cognito.clientSecret, "");
  EXPECT_EQ(c->cognito.timeout, Millis(3000));
}

}  // namespace
}  // namespace callgate::app
