// The Cognito verifier against a scripted HTTP client: the exact InitiateAuth request (target,
// content type, JSON body, SECRET_HASH against a value computed independently), and the mapping
// of Cognito's answers to verified, rejected (the same to the caller) and errors.
#include "adapters/identity/cognito/cognito_verifier.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/numeric_date.h"
#include "fakes/fakes.h"
#include "unit/adapters/identity/test_keys.h"
#include "unit/adapters/net/http_client/http_client_fakes.h"

namespace callgate::identity {
namespace {

using callgate::testing::FakeClock;
using callgate::testing::jwks;
using callgate::testing::ScriptedHttpClient;
using callgate::testing::sharedRsaKey;

constexpr const char* kSecret = "1example23456789secret0abcdefghijklmnop";
constexpr const char* kClientId = "4bmsrr65ah3oas5d4sd54st11k";

TEST(CognitoSecretHashTest, MatchesAnIndependentComputation) {
  // python3 -c 'import hmac,hashlib,base64; print(base64.b64encode(hmac.new(
  //   b"1example23456789secret0abcdefghijklmnop", b"12345678"+b"4bmsrr65ah3oas5d4sd54st11k",
  //   hashlib.sha256).digest()).decode())'
  EXPECT_EQ(cognitoSecretHash("12345678", kClientId, kSecret),
            "F84Oq7KfO7uxuhRTvQBdo47CHQhvU2rc/2kbvlzUZdo=");
}

CognitoVerifierConfig config() {
  CognitoVerifierConfig c;
  c.region = "eu-west-1";
  c.userPoolId = "eu-west-1_AbCdEf123";
  c.clientId = kClientId;
  c.clientSecret = kSecret;
  c.timeout = Millis(2500);
  return c;
}

class CognitoVerifierTest : public ::testing::Test {
 protected:
  nlohmann::json idClaims() {
    const int64_t now = toNumericDate(clock.now());
    return {{"iss", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"},
            {"aud", kClientId},
            {"token_use", "id"},
            {"sub", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"},
            {"cognito:username", "12345678"},
            {"phone_number", "+14155550100"},
            {"phone_number_verified", true},
            {"given_name", "Ada"},
            {"family_name", "Lovelace"},
            {"auth_time", now},
            {"iat", now},
            {"exp", now + 3600}};
  }
  void answerTokens(const nlohmann::json& claims) {
    const std::string idToken = sharedRsaKey().sign("RS256", claims);
    http.respond(200, nlohmann::json{{"AuthenticationResult",
                                      {{"AccessToken", "eyJ.access.token"},
                                       {"ExpiresIn", 3600},
                                       {"IdToken", idToken},
                                       {"RefreshToken", "eyJ.refresh"},
                                       {"TokenType", "Bearer"}}},
                                     {"ChallengeParameters", nlohmann::json::object()}}
                          .dump());
    http.respond(200, jwks({sharedRsaKey().jwk("RS256")}));
  }
  void answerError(const std::string& type, const std::string& message, int status = 400) {
    http.respond(status, nlohmann::json{{"__type", type}, {"message", message}}.dump(),
                 {{"x-amzn-errortype", type + ":"}});
  }
  ScriptedHttpClient http;
  FakeClock clock;
  CognitoPasswordVerifier verifier{config(), http, clock};
};

TEST_F(CognitoVerifierTest, SendsTheExactInitiateAuthRequest) {
  ASSERT_TRUE(validateCognitoConfig(config()).ok());
  const HttpClientRequest r = verifier.buildRequest("12345678", "4321");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://cognito-idp.eu-west-1.amazonaws.com/");
  EXPECT_EQ(r.timeout, Millis(2500));
  using Headers = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(r.headers,
            (Headers{{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth"}}));
  EXPECT_EQ(nlohmann::json::parse(r.body),
            (nlohmann::json{{"AuthFlow", "USER_PASSWORD_AUTH"},
                            {"ClientId", kClientId},
                            {"AuthParameters",
                             {{"USERNAME", "12345678"},
                              {"PASSWORD", "4321"},
                              {"SECRET_HASH", "F84Oq7KfO7uxuhRTvQBdo47CHQhvU2rc/2kbvlzUZdo="}}}}));
  CognitoVerifierConfig noSecret = config();
  noSecret.clientSecret = "";
  CognitoPasswordVerifier publicClient(noSecret, http, clock);
  EXPECT_FALSE(
      nlohmann::json::parse(publicClient.buildRequest("1", "2").body)["AuthParameters"].contains(
          "SECRET_HASH"));
}

TEST_F(CognitoVerifierTest, AuthenticationResultIsVerifiedWithTheIdTokensIdentity) {
  answerTokens(idClaims());
  auto r = verifier.verify("12345678", "4321");
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->outcome, CredentialOutcome::kVerified);
  EXPECT_EQ(r->identity.userId, "12345678");
  EXPECT_EQ(r->identity.subject, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  EXPECT_EQ(r->identity.phone, "+14155550100");
  EXPECT_EQ(r->identity.firstName, "Ada");
  ASSERT_EQ(http.requests.size(), 2u);
  EXPECT_EQ(
      http.requests[1].url,
      "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123/.well-known/jwks.json");
}

TEST_F(CognitoVerifierTest, AnAccessTokenOrAnotherPoolsTokenIsAnError) {
  auto access = idClaims();
  access["token_use"] = "access";
  answerTokens(access);
  auto r = verifier.verify("12345678", "4321");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  auto otherPool = idClaims();
  otherPool["iss"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other";
  answerTokens(otherPool);
  EXPECT_FALSE(verifier.verify("12345678", "4321").ok());
  auto otherClient = idClaims();
  otherClient["aud"] = "someotherclient";
  answerTokens(otherClient);
  EXPECT_FALSE(verifier.verify("12345678", "4321").ok());
}

TEST_F(CognitoVerifierTest, DocumentedRefusalsAreRejectedWithDetailOnlyForTheAudit) {
  const std::pair<const char*, const char*> cases[] = {
      {"NotAuthorizedException", "not_authorized"},
      {"UserNotFoundException", "unknown_user"},
      {"PasswordResetRequiredException", "password_reset_required"},
      {"UserNotConfirmedException", "user_not_confirmed"},
  };
  for (const auto& [type, detail] : cases) {
    answerError(type, "Incorrect username or password.");
    auto r = verifier.verify("12345678", "0000");
    ASSERT_TRUE(r.ok()) << type << ": " << r.error().message();
    EXPECT_EQ(r->outcome, CredentialOutcome::kRejected);
    EXPECT_EQ(r->detail, detail);
    EXPECT_EQ(r->identity.userId, "");
  }
  // The namespaced form of __type reads the same.
  answerError("com.amazonaws.cognito.identity.idp.model#UserNotFoundException",
              "User does not exist.");
  auto r = verifier.verify("12345678", "0000");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->detail, "unknown_user");
}

TEST_F(CognitoVerifierTest, AChallengeIsRejected) {
  http.respond(200, R"({"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"AYAB...",
                        "ChallengeParameters":{"USER_ID_FOR_SRP":"12345678"}})");
  auto r = verifier.verify("12345678", "4321");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, CredentialOutcome::kRejected);
  EXPECT_EQ(r->detail, "challenge:NEW_PASSWORD_REQUIRED");
}

TEST_F(CognitoVerifierTest, ServiceTroubleAndMisconfigurationAreErrors) {
  answerError("TooManyRequestsException", "Rate exceeded");
  answerError("InternalErrorException", "oops", 500);
  answerError("ResourceNotFoundException", "User pool client x does not exist.");
  answerError("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client");
  answerError("NotAuthorizedException", "Unable to verify secret hash for client 4bmsrr65");
  answerError("NotAuthorizedException",
              "Client 4bmsrr65 is configured for secret but secret was not received");
  http.respond(502, "<html>bad gateway</html>");
  http.fail(Error::unavailable("Timeout was reached (cognito-idp.eu-west-1.amazonaws.com)"));
  http.respond(200, "{}");
  for (int i = 0; i < 9; ++i) {
    auto r = verifier.verify("12345678", "4321");
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
    EXPECT_EQ(r.error().message().find("4321"), std::string::npos);
    EXPECT_EQ(r.error().message().find(kSecret), std::string::npos);
  }
}

TEST(CognitoConfigTest, Validates) {
  EXPECT_TRUE(validateCognitoConfig(config()).ok());
  auto c = config();
  c.userPoolId = "us-east-1_AbCdEf123";
  EXPECT_FALSE(validateCognitoConfig(c).ok());
  c = config();
  c.region = "";
  EXPECT_FALSE(validateCognitoConfig(c).ok());
  c = config();
  c.endpoint = "http://cognito.internal.example/";
  EXPECT_FALSE(validateCognitoConfig(c).ok());
  c.allowInsecure = true;
  EXPECT_TRUE(validateCognitoConfig(c).ok());
  c = config();
  c.endpoint = "http://127.0.0.1:9229/";
  EXPECT_TRUE(validateCognitoConfig(c).ok());
  c.clientId = "bad id";
  EXPECT_FALSE(validateCognitoConfig(c).ok());
}

}  // namespace
}  // namespace callgate::identity
