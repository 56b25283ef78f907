// ID-token claim checks (issuer, audience, azp, times, token_use) and the mapping of claims to
// the caller's identity (phone only when verified, E.164; names; locale as a BCP 47 tag).
#include "adapters/identity/id_token.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/numeric_date.h"

namespace callgate::identity {
namespace {

const TimePoint kNow = fromNumericDate(1'800'000'000);

nlohmann::json goodClaims() {
  return {{"iss", "https://idp.example/realms/bank"},
          {"sub", "f81d4fae"},
          {"aud", "callgate"},
          {"iat", 1'800'000'000 - 5},
          {"exp", 1'800'000'000 + 300},
          {"phone_number", "+1 415 555 0100"},
          {"phone_number_verified", true},
          {"given_name", "Ada"},
          {"family_name", "Lovelace"},
          {"locale", "en_GB"}};
}

const IdTokenExpectations kExpected{"https://idp.example/realms/bank", "callgate", Seconds(60), ""};

Result<IdTokenClaims> check(const nlohmann::json& claims,
                            const IdTokenExpectations& expected = kExpected) {
  return checkIdTokenClaims(claims.dump(), expected, kNow);
}

std::string failure(const nlohmann::json& claims, const IdTokenExpectations& expected = kExpected) {
  auto r = check(claims, expected);
  if (r.ok()) return "accepted";
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  return r.error().message();
}

TEST(IdTokenTest, AcceptsGoodClaims) {
  auto r = check(goodClaims());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->get("sub"), "f81d4fae");
  EXPECT_EQ(r->get("phone_number_verified"), "true");
  EXPECT_EQ(r->audience, std::vector<std::string>{"callgate"});
}

TEST(IdTokenTest, RefusesAnotherIssuer) {
  auto c = goodClaims();
  c["iss"] = "https://idp.example/realms/other";
  EXPECT_EQ(failure(c), "ID token iss is not the configured issuer");
  c.erase("iss");
  EXPECT_EQ(failure(c), "ID token iss is not the configured issuer");
}

TEST(IdTokenTest, RefusesAWrongAudience) {
  auto c = goodClaims();
  c["aud"] = "another-client";
  EXPECT_EQ(failure(c), "ID token aud does not contain the client id");
  c["aud"] = nlohmann::json::array({"a", "b"});
  EXPECT_EQ(failure(c), "ID token aud does not contain the client id");
  c.erase("aud");
  EXPECT_EQ(failure(c), "ID token has no aud");
}

TEST(IdTokenTest, SeveralAudiencesNeedAzpEqualToTheClient) {
  auto c = goodClaims();
  c["aud"] = nlohmann::json::array({"callgate", "account-api"});
  EXPECT_EQ(failure(c), "ID token has several audiences and no azp");
  c["azp"] = "account-api";
  EXPECT_EQ(failure(c), "ID token azp is not the client id");
  c["azp"] = "callgate";
  EXPECT_EQ(failure(c), "accepted");
}

TEST(IdTokenTest, ChecksTimesWithLeeway) {
  auto c = goodClaims();
  c["exp"] = 1'800'000'000 - 59;  // expired, but within the 60 s leeway
  EXPECT_EQ(failure(c), "accepted");
  c["exp"] = 1'800'000'000 - 61;
  EXPECT_EQ(failure(c), "ID token has expired");
  c = goodClaims();
  c["iat"] = 1'800'000'000 + 120;
  EXPECT_EQ(failure(c), "ID token iat is in the future");
  c.erase("iat");
  EXPECT_EQ(failure(c), "ID token has no valid iat");
  c = goodClaims();
  c["nbf"] = 1'800'000'000 + 120;
  EXPECT_EQ(failure(c), "ID token is not valid yet (nbf)");
  c = goodClaims();
  c["exp"] = "tomorrow";
  EXPECT_EQ(failure(c), "ID token has no valid exp");
}

TEST(IdTokenTest, ChecksTokenUseWhenAsked) {
  IdTokenExpectations cognito = kExpected;
  cognito.tokenUse = "id";
  auto c = goodClaims();
  EXPECT_EQ(failure(c, cognito), "ID token token_use is not \"id\"");
  c["token_use"] = "access";
  EXPECT_EQ(failure(c, cognito), "ID token token_use is not \"id\"");
  c["token_use"] = "id";
  EXPECT_EQ(failure(c, cognito), "accepted");
}

TEST(IdTokenTest, RefusesAMissingSubject) {
  auto c = goodClaims();
  c.erase("sub");
  EXPECT_EQ(failure(c), "ID token has no sub");
}

TEST(IdTokenTest, MapsClaimsToTheIdentity) {
  auto claims = check(goodClaims());
  ASSERT_TRUE(claims.ok());
  const VerifiedIdentity id = mapIdentity("12345678", *claims, IdentityMapping{});
  EXPECT_EQ(id.userId, "12345678");
  EXPECT_EQ(id.subject, "f81d4fae");
  EXPECT_EQ(id.phone, "+14155550100");
  EXPECT_EQ(id.firstName, "Ada");
  EXPECT_EQ(id.lastName, "Lovelace");
  EXPECT_EQ(id.language, "en-GB");
  EXPECT_EQ(id.level, "");
}

TEST(IdTokenTest, UsesThePhoneOnlyWhenVerifiedAndValid) {
  auto c = goodClaims();
  c["phone_number_verified"] = false;
  EXPECT_EQ(mapIdentity("1", *check(c), IdentityMapping{}).phone, "");
  c.erase("phone_number_verified");
  EXPECT_EQ(mapIdentity("1", *check(c), IdentityMapping{}).phone, "");
  IdentityMapping trusting;
  trusting.phoneVerifiedClaim = "";
  EXPECT_EQ(mapIdentity("1", *check(c), trusting).phone, "+14155550100");
  c["phone_number_verified"] = "true";  // Cognito's user attributes are strings
  EXPECT_EQ(mapIdentity("1", *check(c), IdentityMapping{}).phone, "+14155550100");
  c["phone_number"] = "not a number";
  EXPECT_EQ(mapIdentity("1", *check(c), IdentityMapping{}).phone, "");
}

TEST(IdTokenTest, ConfigurableClaims) {
  auto c = goodClaims();
  c["preferred_username"] = "ada";
  c["custom:tier"] = "gold";
  IdentityMapping m;
  m.subjectClaim = "preferred_username";
  m.levelClaim = "custom:tier";
  const VerifiedIdentity id = mapIdentity("1", *check(c), m);
  EXPECT_EQ(id.subject, "ada");
  EXPECT_EQ(id.level, "gold");
}

TEST(IdTokenTest, LanguageTags) {
  EXPECT_EQ(languageTag("en"), "en");
  EXPECT_EQ(languageTag("en-US"), "en-US");
  EXPECT_EQ(languageTag("fr_CA"), "fr-CA");
  EXPECT_EQ(languageTag("zh-Hant-TW"), "zh-Hant-TW");
  EXPECT_EQ(languageTag(""), "");
  EXPECT_EQ(languageTag("e"), "");
  EXPECT_EQ(languageTag("en-"), "");
  EXPECT_EQ(languageTag("en US"), "");
  EXPECT_EQ(languageTag("<script>"), "");
}

}  // namespace
}  // namespace callgate::identity
