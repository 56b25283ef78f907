// The signed verdict minted from callgate's own records of a contact: the ledger's proofs and
// caller ID the channel saw, never the attributes a flow or request set; masked caller number,
// bounded lifetime, one audit line without the token.
#include "functions/verdict_issuer.h"

#include <gtest/gtest.h>

#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

constexpr const char* kAda = "12345678";
constexpr const char* kAdaPhone = "+14155550100";

// Signs nothing: the "token" is the claims' JSON, so the test can read what would be signed.
class ClaimsEchoSigner : public VerdictSigner {
 public:
  Result<std::string> sign(const VerdictClaims& claims) override {
    if (fail) return Error::unavailable("no key");
    return verdictClaimsJson(claims);
  }
  Status verify(std::string_view jwt, const VerdictCheck& check, TimePoint now) override {
    auto claims = parseVerdictClaimsJson(jwt);
    if (!claims.ok()) return claims.error();
    return checkVerdictClaims(*claims, check, now);
  }
  bool fail = false;
};

class VerdictIssuerTest : public ::testing::Test {
 protected:
  VerdictIssuerTest()
      : ledger_(contactAuth_, customers_, clock_, Seconds(120)),
        issuer_(VerdictDeps{ledger_, customers_, signer_, random_, clock_, audit_,
                            CallerIdTrust::kAttested},
                VerdictOptions{"https://callgate.example", Seconds(300), false}) {
    Customer ada{kAdaPhone, "Ada", "Lovelace", "Gold", "en-US", {}};
    ada.userId = kAda;
    EXPECT_TRUE(customers_.add(ada).ok());
  }

  VerdictClaims issue(const std::string& contact, Attestation attestation = Attestation::kNone,
                      const std::string& caller = kAdaPhone) {
    auto v = issuer_.issue(VerdictRequest{VerdictChannel::kSip,
                                          "call-" + contact,
                                          "sip:agent@pbx.example",
                                          contact,
                                          caller,
                                          "+18005550100",
                                          attestation,
                                          "",
                                          {}});
    EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().toString());
    auto parsed = parseVerdictClaimsJson(v.ok() ? v->jwt : "{}");
    EXPECT_TRUE(parsed.ok());
    return parsed.ok() ? *parsed : VerdictClaims{};
  }

  FakeClock clock_;
  FakeRandom random_;
  InMemoryCustomerStore customers_;
  InMemoryContactAuthStore contactAuth_;
  RecordingAuditLog audit_;
  ClaimsEchoSigner signer_;
  ContactAuthLedger ledger_;
  VerdictIssuer issuer_;
};

TEST_F(VerdictIssuerTest, AContactWithoutRecordsIsNotAuthenticated) {
  const VerdictClaims c = issue("c1");
  EXPECT_EQ(c.acr, kAcrNone);
  EXPECT_TRUE(c.subject.empty());
  EXPECT_EQ(c.callId, "call-c1");
  EXPECT_EQ(c.target, "sip:agent@pbx.example");
  EXPECT_EQ(c.caller, "+1415*****00");
  EXPECT_EQ(c.dialled, "+18005550100");
}

TEST_F(VerdictIssuerTest, APinRecordedForTheContactIsOneFactorAboutItsCustomer) {
  ASSERT_TRUE(ledger_.record("c2", kContactAuthPin, kAda, kAdaPhone).ok());
  const VerdictClaims c = issue("c2");
  EXPECT_EQ(c.acr, kAcr1fa);
  EXPECT_EQ(c.subject, kAda);
  EXPECT_EQ(c.amr, std::vector<std::string>{"pin"});
  // Another contact's proof counts for nothing here.
  EXPECT_EQ(issue("c3").acr, kAcrNone);
}

TEST_F(VerdictIssuerTest, PinAndAttestedCallerIdFromTheNumberOnFileAreTwoFactors) {
  ASSERT_TRUE(ledger_.record("c4", kContactAuthPin, kAda, kAdaPhone).ok());
  const VerdictClaims c = issue("c4", Attestation::kA);
  EXPECT_EQ(c.acr, kAcr2fa);
  EXPECT_EQ(c.attestation, "A");
  // Attestation B is not trusted by the default policy: the PIN alone.
  EXPECT_EQ(issue("c4", Attestation::kB).acr, kAcr1fa);
}

TEST_F(VerdictIssuerTest, AttestedCallerIdOfANumberNotOnFileIsNothing) {
  EXPECT_EQ(issue("c5", Attestation::kA, "+14155550177").acr, kAcrNone);
}

TEST_F(VerdictIssuerTest, LifetimeIsClampedToAMinuteAndEveryVerdictIsAudited) {
  const VerdictClaims c = issue("c6");
  EXPECT_EQ(c.expiresAt - c.issuedAt, Seconds(60));
  ASSERT_TRUE(audit_.has("verdict_issued"));
  for (const auto& [key, value] : audit_.events.back().second) {
    EXPECT_NE(key, "token");
    EXPECT_EQ(value.find('{'), std::string::npos) << "the token or claims reached the audit log";
  }
}

TEST_F(VerdictIssuerTest, NoCallIdOrNoKeyIsAnError) {
  EXPECT_FALSE(issuer_.issue(VerdictRequest{}).ok());
  signer_.fail = true;
  EXPECT_FALSE(issuer_
                   .issue(VerdictRequest{
                       VerdictChannel::kSip, "x", "", "c7", "", "", Attestation::kNone, "", {}})
                   .ok());
}

TEST_F(VerdictIssuerTest, IssueVerdictIsBoundToTheConnectContactAndIgnoresItsAttributes) {
  IssueVerdict fn(issuer_);
  FunctionRequest r;
  r.contact.contactId = "connect-contact";
  r.contact.customerAddress = kAdaPhone;
  r.contact.attributes = {{"authenticated", "True"}, {"userId", kAda}};
  auto out = fn.invoke(r);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->at("lambdaResult"), "Success");
  EXPECT_EQ(out->at("verdictAcr"), kAcrNone);
  auto claims = parseVerdictClaimsJson(out->at("verdict"));
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->channel, VerdictChannel::kConnect);
  EXPECT_EQ(claims->callId, "connect-contact");
  r.contact.contactId.clear();
  EXPECT_FALSE(fn.invoke(r).ok());
}

}  // namespace
}  // namespace callgate
