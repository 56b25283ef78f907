// The handoff record VerdictIssuer writes with every verdict (core/handoff.h): what an agent's
// screen pop shows, assembled from callgate's own records, nothing secret in it, and a failed
// write never failing the verdict.
#include <gtest/gtest.h>

#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "fakes/in_memory_handoff_store.h"
#include "functions/verdict_issuer.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

constexpr const char* kAda = "12345678";
constexpr const char* kAdaPhone = "+14155550100";

// The "token" is the claims' JSON; verify() checks those claims as the real signer would after
// the signature, or fails as told.
class EchoSigner : public VerdictSigner {
 public:
  Result<std::string> sign(const VerdictClaims& claims) override {
    return verdictClaimsJson(claims);
  }
  Status verify(std::string_view jwt, const VerdictCheck& check, TimePoint now) override {
    if (!verifyError.empty()) return Error::unauthenticated(verifyError);
    auto claims = parseVerdictClaimsJson(jwt);
    if (!claims.ok()) return claims.error();
    return checkVerdictClaims(*claims, check, now);
  }
  std::string verifyError;
};

class VerdictHandoffTest : public ::testing::Test {
 protected:
  VerdictHandoffTest()
      : ledger_(contactAuth_, customers_, clock_, Seconds(120)),
        issuer_(VerdictDeps{ledger_, customers_, signer_, random_, clock_, audit_,
                            CallerIdTrust::kAttested, &handoffs_},
                VerdictOptions{"https://callgate.example", Seconds(60), false, Seconds(3600)}) {
    Customer ada{kAdaPhone, "Ada", "Lovelace", "Gold", "en-GB", {}};
    ada.userId = kAda;
    EXPECT_TRUE(customers_.add(ada).ok());
  }

  IssuedVerdict issue(const std::string& contact, const std::string& caller = kAdaPhone,
                      TimePoint started = TimePoint{}) {
    VerdictRequest r{VerdictChannel::kSip,
                     "call-" + contact,
                     "sip:agent@pbx.example",
                     contact,
                     caller,
                     "+18005550100",
                     Attestation::kA,
                     "gold-queue",
                     started};
    auto v = issuer_.issue(r);
    EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().toString());
    return v.ok() ? *v : IssuedVerdict{};
  }
  Handoff only() {
    auto all = handoffs_.since(0, 10, "");
    EXPECT_TRUE(all.ok());
    EXPECT_EQ(all.ok() ? all->size() : 0u, 1u);
    return all.ok() && !all->empty() ? all->back() : Handoff{};
  }

  FakeClock clock_;
  FakeRandom random_;
  InMemoryCustomerStore customers_;
  InMemoryContactAuthStore contactAuth_;
  InMemoryHandoffStore handoffs_;
  RecordingAuditLog audit_;
  EchoSigner signer_;
  ContactAuthLedger ledger_;
  VerdictIssuer issuer_;
};

TEST_F(VerdictHandoffTest, AnAuthenticatedCallLeavesAWholePop) {
  ASSERT_TRUE(ledger_.record("c1", kContactAuthPin, kAda, kAdaPhone).ok());
  const TimePoint started = clock_.now() - Seconds(42);
  const IssuedVerdict v = issue("c1", kAdaPhone, started);
  const Handoff h = only();
  EXPECT_GT(h.id, 0);
  EXPECT_EQ(h.at, clock_.now());
  EXPECT_EQ(h.channel, "sip");
  EXPECT_EQ(h.callId, "call-c1");
  EXPECT_EQ(h.contactId, "c1");
  EXPECT_EQ(h.queue, "gold-queue");
  EXPECT_EQ(h.acr, kAcr2fa);  // the PIN and attested caller ID from the number on file
  EXPECT_EQ(h.amr, v.claims.amr);
  EXPECT_EQ(h.attestation, "A");
  EXPECT_TRUE(h.authenticated());
  EXPECT_EQ(h.userId, kAda);
  EXPECT_EQ(h.displayName, "Ada Lovelace");
  EXPECT_EQ(h.level, "Gold");
  EXPECT_EQ(h.language, "en-GB");
  EXPECT_EQ(h.callerLast4, "\u20260100");
  EXPECT_EQ(h.jti, v.claims.jti);
  EXPECT_EQ(h.tokenCheck, "valid");
  EXPECT_EQ(h.timeToVerdictMs, 42000);
}

TEST_F(VerdictHandoffTest, AnUnauthenticatedCallerIsNotNamed) {
  // The number is on file, but nothing was proved in this call (attestation C is not trusted).
  VerdictRequest r{VerdictChannel::kTwilio, "CA1", "", "CA1", kAdaPhone, "",
                   Attestation::kC,         "",    {}};
  ASSERT_TRUE(issuer_.issue(r).ok());
  const Handoff h = only();
  EXPECT_FALSE(h.authenticated());
  EXPECT_EQ(h.acr, kAcrNone);
  EXPECT_TRUE(h.userId.empty());
  EXPECT_TRUE(h.displayName.empty());
  EXPECT_TRUE(h.level.empty());
  EXPECT_EQ(h.channel, "twilio");
  EXPECT_EQ(h.timeToVerdictMs, -1);  // the channel did not say when the call started
}

// A customer without a user id (enrolled by an SMS code, or added by number only) is still the
// customer of the number the call proved, and is named.
TEST_F(VerdictHandoffTest, ACallerProvedByTheirNumberAloneIsNamedFromThatNumber) {
  Customer grace{"+14155550199", "Grace", "Hopper", "Silver", "en-US", {}};
  ASSERT_TRUE(customers_.add(grace).ok());
  ASSERT_TRUE(ledger_.record("c5", kContactAuthOtp, "", "+14155550199").ok());
  VerdictRequest r{VerdictChannel::kTwilio, "CA5", "", "c5", "+14155550199", "",
                   Attestation::kC,         "",    {}};
  ASSERT_TRUE(issuer_.issue(r).ok());
  const Handoff h = only();
  EXPECT_TRUE(h.authenticated());
  EXPECT_TRUE(h.userId.empty());
  EXPECT_EQ(h.displayName, "Grace Hopper");
  EXPECT_EQ(h.level, "Silver");
  EXPECT_EQ(h.language, "en-US");
}

TEST_F(VerdictHandoffTest, NothingSecretIsKept) {
  ASSERT_TRUE(ledger_.record("c2", kContactAuthPin, kAda, kAdaPhone).ok());
  const IssuedVerdict v = issue("c2");
  const Handoff h = only();
  for (const std::string& field :
       {h.channel, h.callId, h.contactId, h.queue, h.acr, h.attestation, h.userId, h.displayName,
        h.level, h.language, h.callerLast4, h.jti, h.tokenCheck}) {
    EXPECT_EQ(field.find("14155550100"), std::string::npos) << field;
    EXPECT_EQ(field.find(v.jwt), std::string::npos) << field;
  }
}

TEST_F(VerdictHandoffTest, ATokenThatFailsCallgatesOwnCheckSaysWhy) {
  signer_.verifyError = "signature does not verify";
  issue("c3");
  EXPECT_EQ(only().tokenCheck, "signature does not verify");
}

TEST_F(VerdictHandoffTest, AFailedWriteNeverFailsTheVerdict) {
  handoffs_.failing = true;
  auto v = issuer_.issue(VerdictRequest{
      VerdictChannel::kSip, "call-c4", "", "c4", kAdaPhone, "", Attestation::kNone, "", {}});
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->jwt.empty());
  EXPECT_EQ(handoffs_.appends.load(), 0);
}

TEST_F(VerdictHandoffTest, OldHandoffsArePurgedPastTheRetention) {
  issue("c5");
  clock_.advance(Seconds(7200));
  issue("c6");
  auto all = handoffs_.since(0, 10, "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().contactId, "c6");
}

TEST_F(VerdictHandoffTest, IssueVerdictTakesTheQueueFromTheFlowOrTheContact) {
  IssueVerdict fn(issuer_);
  FunctionRequest r;
  r.contact.contactId = "connect-1";
  r.contact.customerAddress = kAdaPhone;
  r.contact.queue = "BasicQueue";
  ASSERT_TRUE(fn.invoke(r).ok());
  r.contact.contactId = "connect-2";
  r.parameters["queue"] = "Gold";
  ASSERT_TRUE(fn.invoke(r).ok());
  auto all = handoffs_.since(0, 10, "");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].queue, "BasicQueue");
  EXPECT_EQ((*all)[0].channel, "connect");
  EXPECT_EQ((*all)[1].queue, "Gold");
}

}  // namespace
}  // namespace callgate
