// The OIDC password-grant verifier against a scripted HTTP client: the token request (client
// authentication both ways), discovery (cached, issuer checked), the ID token's checks, and the
// mapping of the token endpoint's answers to verified, rejected and errors.
#include "adapters/identity/oidc/oidc_password_verifier.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/form.h"
#include "core/numeric_date.h"
#include "fakes/fakes.h"
#include "unit/adapters/identity/test_keys.h"
#include "unit/adapters/net/http_client/http_client_fakes.h"

namespace callgate::identity {
namespace {

using callgate::testing::FakeClock;
using callgate::testing::jwks;
using callgate::testing::makeKey;
using callgate::testing::ScriptedHttpClient;
using callgate::testing::sharedRsaKey;
using callgate::testing::TestKey;

constexpr const char* kIssuer = "https://idp.example/realms/bank";

OidcVerifierConfig config() {
  OidcVerifierConfig c;
  c.issuer = kIssuer;
  c.clientId = "callgate";
  c.clientSecret = "s3cret:+";
  c.timeout = Millis(3000);
  return c;
}

std::string discovery(const std::string& issuer = kIssuer) {
  return nlohmann::json{{"issuer", issuer},
                        {"token_endpoint", std::string(kIssuer) + "/protocol/openid-connect/token"},
                        {"jwks_uri", std::string(kIssuer) + "/protocol/openid-connect/certs"},
                        {"grant_types_supported", {"authorization_code", "password"}}}
      .dump();
}

class OidcVerifierTest : public ::testing::Test {
 protected:
  nlohmann::json claims() {
    const int64_t now = toNumericDate(clock.now());
    return {{"iss", kIssuer},
            {"aud", "callgate"},
            {"azp", "callgate"},
            {"sub", "f81d4fae"},
            {"iat", now},
            {"exp", now + 300},
            {"given_name", "Ada"},
            {"family_name", "Lovelace"},
            {"locale", "en"},
            {"phone_number", "+14155550100"},
            {"phone_number_verified", true}};
  }
  std::string tokenResponse(const std::string& idToken) {
    return nlohmann::json{{"access_token", "eyJ.a.b"},
                          {"token_type", "Bearer"},
                          {"expires_in", 300},
                          {"id_token", idToken}}
        .dump();
  }
  ScriptedHttpClient http;
  FakeClock clock;
  TestKey ed = makeKey("OKP", "ed-1");
};

TEST_F(OidcVerifierTest, DiscoversSignsInAndCaches) {
  http.respond(200, discovery());
  http.respond(200, tokenResponse(ed.sign("EdDSA", claims())));
  http.respond(200, jwks({ed.jwk(), sharedRsaKey().jwk()}));
  http.respond(200, tokenResponse(sharedRsaKey().sign("RS256", claims())));
  OidcPasswordVerifier verifier(config(), http, clock);
  auto r = verifier.verify("12345678", "4321");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->outcome, CredentialOutcome::kVerified);
  EXPECT_EQ(r->identity.subject, "f81d4fae");
  EXPECT_EQ(r->identity.phone, "+14155550100");
  EXPECT_EQ(r->identity.lastName, "Lovelace");
  EXPECT_EQ(r->identity.language, "en");
  ASSERT_EQ(http.requests.size(), 3u);
  EXPECT_EQ(http.requests[0].url, std::string(kIssuer) + "/.well-known/openid-configuration");
  EXPECT_EQ(http.requests[1].url, std::string(kIssuer) + "/protocol/openid-connect/token");
  EXPECT_EQ(http.requests[2].url, std::string(kIssuer) + "/protocol/openid-connect/certs");
  for (const auto& sent : http.requests) {  // each within what is left of the 3 s budget
    EXPECT_GT(sent.timeout, Millis(0));
    EXPECT_LE(sent.timeout, Millis(3000));
  }
  // Second call: discovery and keys are cached.
  auto again = verifier.verify("12345678", "4321");
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(http.requests.size(), 4u);
}

TEST_F(OidcVerifierTest, TokenRequestWithClientSecretBasic) {
  OidcPasswordVerifier verifier(config(), http, clock);
  const HttpClientRequest r =
      verifier.buildTokenRequest("https://idp.example/token", "12345678", "43 21&x");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.headers.at(0), (std::pair<std::string, std::string>{
                                 "Content-Type", "application/x-www-form-urlencoded"}));
  auto form = http::parseForm(r.body);
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(*form, (http::FormFields{{"grant_type", "password"},
                                     {"username", "12345678"},
                                     {"password", "43 21&x"},
                                     {"scope", "openid profile phone"}}));
  // base64("callgate:s3cret%3A%2B")
  bool found = false;
  for (const auto& [name, value] : r.headers) {
    if (name == "Authorization") {
      found = true;
      EXPECT_EQ(value, "Basic Y2FsbGdhdGU6czNjcmV0JTNBJTJC");
    }
  }
  EXPECT_TRUE(found);
}

TEST_F(OidcVerifierTest, TokenRequestWithClientSecretPost) {
  auto c = config();
  c.clientAuth = OidcClientAuth::kClientSecretPost;
  OidcPasswordVerifier verifier(c, http, clock);
  const HttpClientRequest r = verifier.buildTokenRequest("https://idp.example/token", "1", "2");
  auto form = http::parseForm(r.body);
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(form->at("client_id"), "callgate");
  EXPECT_EQ(form->at("client_secret"), "s3cret:+");
  for (const auto& [name, value] : r.headers) EXPECT_NE(name, "Authorization");
}

TEST_F(OidcVerifierTest, InvalidGrantIsRejected) {
  auto c = config();
  c.tokenEndpoint = "https://idp.example/token";
  c.jwksUri = "https://idp.example/jwks";
  OidcPasswordVerifier verifier(c, http, clock);
  http.respond(400, R"({"error":"invalid_grant","error_description":"Invalid user credentials"})");
  http.respond(401, R"({"error":"invalid_grant","error_description":"Invalid user credentials"})");
  http.respond(403, R"({"error":"invalid_grant","error_description":"Wrong email or password."})");
  for (int i = 0; i < 3; ++i) {
    auto r = verifier.verify("12345678", "0000");
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->outcome, CredentialOutcome::kRejected);
    EXPECT_EQ(r->detail, "invalid_grant");
  }
  EXPECT_EQ(http.requests.size(), 3u);  // no discovery, no JWKS
  // A 5xx that happens to say invalid_grant is still the IdP failing, not a wrong password.
  http.respond(500, R"({"error":"invalid_grant"})");
  auto broken = verifier.verify("12345678", "0000");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code(), ErrorCode::kUnavailable);
}

TEST_F(OidcVerifierTest, ClientProblemsServerTroubleAndBadTokensAreErrors) {
  auto c = config();
  c.tokenEndpoint = "https://idp.example/token";
  c.jwksUri = "https://idp.example/jwks";
  OidcPasswordVerifier verifier(c, http, clock);
  http.respond(401, R"({"error":"invalid_client"})");
  http.respond(400, R"({"error":"unauthorized_client"})");
  http.respond(400, R"({"error":"unsupported_grant_type"})");
  http.respond(503, "down");
  http.fail(Error::unavailable("Timeout was reached (idp.example)"));
  http.respond(200, R"({"access_token":"x","token_type":"Bearer"})");  // no id_token
  // A token signed by a key the IdP does not publish under that kid.
  TestKey impostor = makeKey("OKP", "ed-1");
  http.respond(200, tokenResponse(impostor.sign("EdDSA", claims())));
  http.respond(200, jwks({ed.jwk()}));
  // Wrong audience.
  auto wrongAud = claims();
  wrongAud["aud"] = "other";
  wrongAud.erase("azp");
  http.respond(200, tokenResponse(ed.sign("EdDSA", wrongAud)));
  // alg none.
  http.respond(200, tokenResponse(callgate::testing::b64url(R"({"alg":"none"})") + "." +
                                  callgate::testing::b64url(claims().dump()) + "."));
  const char* expected[] = {"invalid_client",
                            "unauthorized_client",
                            "unsupported_grant_type",
                            "HTTP 503",
                            "Timeout",
                            "without an id_token",
                            "signature",
                            "aud",
                            "token"};
  for (const char* what : expected) {
    auto r = verifier.verify("12345678", "4321");
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
    EXPECT_NE(r.error().message().find(what), std::string::npos) << r.error().message();
    EXPECT_EQ(r.error().message().find("4321"), std::string::npos);
    EXPECT_EQ(r.error().message().find("s3cret"), std::string::npos);
  }
}

TEST_F(OidcVerifierTest, DiscoveryForAnotherIssuerIsRefused) {
  http.respond(200, discovery("https://evil.example/realms/bank"));
  OidcPasswordVerifier verifier(config(), http, clock);
  auto r = verifier.verify("12345678", "4321");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(http.requests.size(), 1u);  // never sent the password anywhere
}

TEST_F(OidcVerifierTest, DiscoveredPlainHttpEndpointIsRefused) {
  http.respond(200, nlohmann::json{{"issuer", kIssuer},
                                   {"token_endpoint", "http://idp.example/token"},
                                   {"jwks_uri", "https://idp.example/jwks"}}
                        .dump());
  OidcPasswordVerifier verifier(config(), http, clock);
  EXPECT_FALSE(verifier.verify("12345678", "4321").ok());
  EXPECT_EQ(http.requests.size(), 1u);
}

TEST(OidcConfigTest, Validates) {
  EXPECT_TRUE(validateOidcConfig(config()).ok());
  auto c = config();
  c.issuer = "";
  EXPECT_FALSE(validateOidcConfig(c).ok());
  c = config();
  c.clientSecret = "";
  EXPECT_FALSE(validateOidcConfig(c).ok());
  c.clientAuth = OidcClientAuth::kNone;
  EXPECT_TRUE(validateOidcConfig(c).ok());
  c = config();
  c.issuer = "http://idp.example";
  EXPECT_FALSE(validateOidcConfig(c).ok());
  c.allowInsecure = true;
  EXPECT_TRUE(validateOidcConfig(c).ok());
  c = config();
  c.algorithms = {"HS256"};
  EXPECT_FALSE(validateOidcConfig(c).ok());
  c = config();
  c.scope = "profile";
  EXPECT_FALSE(validateOidcConfig(c).ok());
  c.scope = "openidx profile";
  EXPECT_FALSE(validateOidcConfig(c).ok());
  c.scope = "profile openid";
  EXPECT_TRUE(validateOidcConfig(c).ok());
  EXPECT_EQ(parseOidcClientAuth("client_secret_post"), OidcClientAuth::kClientSecretPost);
  EXPECT_FALSE(parseOidcClientAuth("private_key_jwt").has_value());
}

}  // namespace
}  // namespace callgate::identity
