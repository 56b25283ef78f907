// The signed verdict's claims: assurance levels from what callgate saw proved, the checks an
// agent side applies (binding, lifetime, clock), and the payload JSON round trip.
#include "core/verdict_token.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

constexpr const char* kAdaPhone = "+14155550100";
constexpr const char* kOtherPhone = "+14155550101";

TimePoint at(int64_t seconds) { return TimePoint(Millis(seconds * 1000)); }

VerdictClaims claimsFor(const VerdictEvidence& e) {
  VerdictClaims c;
  applyEvidence(e, c);
  return c;
}

VerdictClaims valid() {
  VerdictClaims c;
  c.issuer = "https://callgate.example";
  c.callId = "call-1";
  c.target = "sip:agent@pbx.example";
  c.jti = "jti-1";
  c.issuedAt = at(1000);
  c.expiresAt = at(1060);
  return c;
}

VerdictCheck checkFor(const std::string& callId = "call-1") {
  return VerdictCheck{"https://callgate.example", callId, "", Seconds(5)};
}

TEST(VerdictTokenTest, NothingProvedIsAcrNoneWithoutSubject) {
  const VerdictClaims c = claimsFor({});
  EXPECT_EQ(c.acr, kAcrNone);
  EXPECT_TRUE(c.amr.empty());
  EXPECT_TRUE(c.subject.empty());
  EXPECT_FALSE(c.authenticated());
}

TEST(VerdictTokenTest, TrustedCallerIdAloneIsItsOwnLevel) {
  VerdictEvidence e;
  e.trustedCallerIdPhone = kAdaPhone;
  e.trustedCallerIdUserId = "12345678";
  const VerdictClaims c = claimsFor(e);
  EXPECT_EQ(c.acr, kAcrCallerId);
  EXPECT_EQ(c.amr, std::vector<std::string>{"callerid"});
  EXPECT_EQ(c.subject, "12345678");
}

TEST(VerdictTokenTest, APinOrAnSmsCodeIsOneFactor) {
  VerdictEvidence pin;
  pin.pinUserId = "12345678";
  pin.pinPhone = kAdaPhone;
  EXPECT_EQ(claimsFor(pin).acr, kAcr1fa);
  EXPECT_EQ(claimsFor(pin).amr, std::vector<std::string>{"pin"});

  VerdictEvidence sms;
  sms.smsPhones = {kAdaPhone};
  EXPECT_EQ(claimsFor(sms).acr, kAcr1fa);
  EXPECT_EQ(claimsFor(sms).amr, std::vector<std::string>{"sms"});
}

TEST(VerdictTokenTest, PinWithPossessionOfTheSameCustomersNumberIsTwoFactors) {
  VerdictEvidence e;
  e.pinUserId = "12345678";
  e.pinPhone = kAdaPhone;
  e.smsPhones = {kAdaPhone};
  EXPECT_EQ(claimsFor(e).acr, kAcr2fa);
  EXPECT_EQ(claimsFor(e).amr, (std::vector<std::string>{"pin", "sms", "mfa"}));

  VerdictEvidence callerId;
  callerId.pinUserId = "12345678";
  callerId.pinPhone = kAdaPhone;
  callerId.trustedCallerIdPhone = kAdaPhone;
  EXPECT_EQ(claimsFor(callerId).acr, kAcr2fa);
  EXPECT_EQ(claimsFor(callerId).amr, (std::vector<std::string>{"pin", "callerid", "mfa"}));
}

TEST(VerdictTokenTest, PossessionOfAnotherCustomersNumberDoesNotAddAFactor) {
  VerdictEvidence e;
  e.pinUserId = "12345678";
  e.pinPhone = kAdaPhone;
  e.smsPhones = {kOtherPhone};
  e.trustedCallerIdPhone = kOtherPhone;
  const VerdictClaims c = claimsFor(e);
  EXPECT_EQ(c.acr, kAcr1fa);
  EXPECT_EQ(c.amr, std::vector<std::string>{"pin"});
  EXPECT_EQ(c.subject, "12345678");
}

TEST(VerdictTokenTest, AValidVerdictPassesItsChecks) {
  EXPECT_TRUE(checkVerdictClaims(valid(), checkFor(), at(1030)).ok());
  VerdictCheck withTarget = checkFor();
  withTarget.target = "sip:agent@pbx.example";
  EXPECT_TRUE(checkVerdictClaims(valid(), withTarget, at(1030)).ok());
}

TEST(VerdictTokenTest, RejectsAVerdictReplayedOnAnotherCallOrTarget) {
  auto s = checkVerdictClaims(valid(), checkFor("call-2"), at(1030));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(s.error().message().find("another call"), std::string::npos);
  VerdictCheck otherTarget = checkFor();
  otherTarget.target = "sip:someone@else.example";
  EXPECT_FALSE(checkVerdictClaims(valid(), otherTarget, at(1030)).ok());
  EXPECT_FALSE(checkVerdictClaims(valid(), checkFor(""), at(1030)).ok());
}

TEST(VerdictTokenTest, RejectsExpiredLongLivedOrFutureVerdicts) {
  EXPECT_FALSE(checkVerdictClaims(valid(), checkFor(), at(1066)).ok());  // exp + leeway
  EXPECT_FALSE(checkVerdictClaims(valid(), checkFor(), at(990)).ok());   // iat - leeway - 5
  VerdictClaims longLived = valid();
  longLived.expiresAt = at(1061);
  EXPECT_FALSE(checkVerdictClaims(longLived, checkFor(), at(1030)).ok());
}

TEST(VerdictTokenTest, RejectsAnotherIssuerAudienceOrUnknownAcr) {
  VerdictClaims c = valid();
  c.issuer = "https://evil.example";
  EXPECT_FALSE(checkVerdictClaims(c, checkFor(), at(1030)).ok());
  c = valid();
  c.audience = "callgate-api";
  EXPECT_FALSE(checkVerdictClaims(c, checkFor(), at(1030)).ok());
  c = valid();
  c.acr = "urn:callgate:acr:3fa";
  EXPECT_FALSE(checkVerdictClaims(c, checkFor(), at(1030)).ok());
}

TEST(VerdictTokenTest, ClaimsSurviveTheirJsonRoundTrip) {
  VerdictClaims c = valid();
  c.subject = "12345678";
  c.amr = {"pin", "sms", "mfa"};
  c.acr = kAcr2fa;
  c.caller = "+1415*****00";
  c.dialled = "+18005550100";
  c.attestation = "A";
  c.channel = VerdictChannel::kTwilio;
  auto parsed = parseVerdictClaimsJson(verdictClaimsJson(c));
  ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
  EXPECT_EQ(parsed->subject, c.subject);
  EXPECT_EQ(parsed->amr, c.amr);
  EXPECT_EQ(parsed->acr, c.acr);
  EXPECT_EQ(parsed->channel, VerdictChannel::kTwilio);
  EXPECT_EQ(parsed->callId, c.callId);
  EXPECT_EQ(parsed->target, c.target);
  EXPECT_EQ(parsed->issuedAt, c.issuedAt);
  EXPECT_EQ(parsed->expiresAt, c.expiresAt);
  EXPECT_EQ(parsed->jti, c.jti);
}

TEST(VerdictTokenTest, OmitsAnEmptySubjectAndTarget) {
  VerdictClaims c = valid();
  c.target.clear();
  const std::string json = verdictClaimsJson(c);
  EXPECT_EQ(json.find("\"sub\""), std::string::npos);
  EXPECT_EQ(json.find("\"tgt\""), std::string::npos);
}

TEST(VerdictTokenTest, RefusesPayloadsThatAreNotAVerdicts) {
  EXPECT_FALSE(parseVerdictClaimsJson("[]").ok());
  EXPECT_FALSE(parseVerdictClaimsJson("{\"iss\":\"x\"}").ok());
  VerdictClaims c = valid();
  std::string json = verdictClaimsJson(c);
  json.replace(json.find("\"chn\":\"sip\""), 11, "\"chn\":\"xmpp\"");
  EXPECT_FALSE(parseVerdictClaimsJson(json).ok());
}

}  // namespace
}  // namespace callgate
