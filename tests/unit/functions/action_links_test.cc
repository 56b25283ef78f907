#include "functions/action_links.h"

#include <gtest/gtest.h>

#include <regex>

#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/add_member.h"
#include "functions/issue_action_link.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

class ActionLinksTest : public ::testing::Test {
 protected:
  ActionLinksTest()
      : links_(LinkDeps{customers_, grants_, sms_, hasher_, random_, clock_, audit_, config()}),
        issueFn_(links_, ledger_),
        members_(customers_),
        addMember_(customers_, members_, clock_, audit_) {
    Customer ada{"+14155550100", "Ada", "Lovelace", "Gold", "en-US", {}};
    ada.userId = "12345678";
    EXPECT_TRUE(customers_.add(ada).ok());
  }

  static LinkConfig config() {
    LinkConfig c;
    c.publicBaseUrl = "https://cg.example";
    return c;
  }

  // Issues a link for Ada and returns its code, taken from the SMS as a phone would.
  std::string issueCode() {
    auto issued = links_.issue("12345678", kActionAddMember);
    EXPECT_TRUE(issued.ok());
    EXPECT_EQ(issued->outcome, IssueOutcome::kSent);
    EXPECT_FALSE(sms_.sent.empty());
    if (sms_.sent.empty()) return "";
    std::smatch m;
    const std::string body = sms_.sent.back().body;
    EXPECT_TRUE(
        std::regex_search(body, m, std::regex("https://cg\\.example/l/([A-Za-z0-9_-]{22})\\b")))
        << body;
    return m.size() > 1 ? m[1].str() : "";
  }

  // What verify-pin records for contact c-1 when Ada's PIN matches.
  void pinVerified(const std::string& contactId = "c-1") {
    ASSERT_TRUE(ledger_.record(contactId, kContactAuthPin, "12345678", "+14155550100").ok());
  }

  StringMap invokeIssue(StringMap attributes, StringMap parameters,
                        const std::string& caller = "+14155550177",
                        const std::string& contactId = "c-1") {
    FunctionRequest request;
    request.contact.contactId = contactId;
    request.contact.customerAddress = caller;
    request.contact.attributes = std::move(attributes);
    request.parameters = std::move(parameters);
    auto out = issueFn_.invoke(request);
    EXPECT_TRUE(out.ok()) << out.error().toString();
    return out.ok() ? *out : StringMap{};
  }

  FakeClock clock_;
  FakeRandom random_;
  FakeCodeHasher hasher_;
  InMemoryCustomerStore customers_;
  InMemoryGrantStore grants_;
  RecordingSmsSender sms_;
  RecordingAuditLog audit_;
  InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_{contactAuth_, customers_, clock_};
  ActionLinks links_;
  IssueActionLink issueFn_;
  InMemoryMemberStore members_;
  AddMember addMember_;
};

TEST_F(ActionLinksTest, IssueTextsALinkToTheNumberOnFileAndStoresOnlyAHash) {
  const std::string code = issueCode();
  ASSERT_EQ(code.size(), 22u);
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, "+14155550100");
  EXPECT_EQ(sms_.sent[0].body,
            "callgate: tap to add a member to your account: https://cg.example/l/" + code +
                " (valid 10 minutes). Didn't ask? Ignore this.");
  ASSERT_EQ(grants_.rows.size(), 1u);
  EXPECT_EQ(grants_.rows[0].codeHash, hasher_.digest("link:" + code));
  EXPECT_EQ(grants_.rows[0].phone, "+14155550100");
  EXPECT_EQ(grants_.rows[0].expiresAt, clock_.now() + Seconds(600));
  ASSERT_TRUE(audit_.has("link_issued"));
  for (const auto& [event, fields] : audit_.events) {
    for (const auto& [k, v] : fields) EXPECT_EQ(v.find(code), std::string::npos) << event;
  }
}

TEST_F(ActionLinksTest, InspectChangesNothingAndRedeemWorksOnce) {
  const std::string code = issueCode();
  for (int i = 0; i < 3; ++i) {
    auto view = links_.inspect(code);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->state, LinkState::kValid);
    EXPECT_EQ(view->action, kActionAddMember);
    EXPECT_EQ(view->userId, "12345678");
    EXPECT_EQ(view->expiresAt, clock_.now() + Seconds(600));
  }
  EXPECT_EQ(grants_.rows[0].state, GrantState::kIssued);

  auto first = links_.redeem(code);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->state, LinkState::kValid);
  EXPECT_EQ(first->userId, "12345678");
  EXPECT_GT(first->grantId, 0);
  EXPECT_TRUE(audit_.has("link_redeemed"));

  auto second = links_.redeem(code);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->state, LinkState::kUsed);
  EXPECT_EQ(links_.inspect(code)->state, LinkState::kUsed);
}

TEST_F(ActionLinksTest, ALinkExpiresAfterItsTtl) {
  const std::string code = issueCode();
  clock_.advance(Seconds(599));
  EXPECT_EQ(links_.inspect(code)->state, LinkState::kValid);
  clock_.advance(Seconds(1));
  EXPECT_EQ(links_.inspect(code)->state, LinkState::kExpired);
  EXPECT_EQ(links_.redeem(code)->state, LinkState::kExpired);
  EXPECT_EQ(grants_.rows[0].state, GrantState::kIssued);  // an expired link is never redeemed
}

TEST_F(ActionLinksTest, UnknownAndMalformedCodesAreUnknown) {
  issueCode();
  for (const char* code : {"", "short", "QkJCQkJCQkJCQkJCQkJCQh", "AAAAAAAAAAAAAAAAAAAAAA",
                           "../../etc/passwd//////", "QkJCQkJCQkJCQkJCQkJCQg=="}) {
    EXPECT_EQ(links_.inspect(code)->state, LinkState::kUnknown) << code;
    EXPECT_EQ(links_.redeem(code)->state, LinkState::kUnknown) << code;
  }
}

TEST_F(ActionLinksTest, CsrfTokensAreDeterministicPerCodeAndChecked) {
  const std::string code = issueCode();
  const std::string token = links_.csrfToken(code);
  EXPECT_EQ(token, links_.csrfToken(code));
  EXPECT_NE(token, links_.csrfToken("AAAAAAAAAAAAAAAAAAAAAA"));
  EXPECT_NE(token.find("csrf:"), std::string::npos);  // the fake hasher shows its domain prefix
  EXPECT_TRUE(links_.csrfMatches(code, token));
  EXPECT_FALSE(links_.csrfMatches(code, ""));
  EXPECT_FALSE(links_.csrfMatches(code, token + "x"));
  EXPECT_FALSE(links_.csrfMatches("AAAAAAAAAAAAAAAAAAAAAA", token));
}

TEST_F(ActionLinksTest, IssueActionLinkNeedsARecordOfTheContactNotAnAttribute) {
  // No record for c-1: no attribute makes up for it.
  EXPECT_EQ(invokeIssue({}, {{"userId", "12345678"}})["reason"], "not_authenticated");
  EXPECT_EQ(invokeIssue({{"authenticated", "False"}}, {{"userId", "12345678"}})["linkResult"],
            "Error");
  EXPECT_EQ(invokeIssue({{"authenticated", "True"}, {"userId", "12345678"}},
                        {{"userId", "12345678"}})["reason"],
            "not_authenticated");
  EXPECT_TRUE(sms_.sent.empty());
  EXPECT_TRUE(grants_.rows.empty());
}

TEST_F(ActionLinksTest, IssueActionLinkNeedsAContactIdAndAUserId) {
  pinVerified("c-1");
  EXPECT_EQ(invokeIssue({}, {{"userId", "12345678"}}, "+14155550177", "")["reason"],
            "not_authenticated");
  EXPECT_EQ(invokeIssue({}, {})["reason"], "not_authenticated");
  EXPECT_TRUE(sms_.sent.empty());
}

TEST_F(ActionLinksTest, IssueActionLinkSendsToTheNumberOnFileNeverTheCaller) {
  pinVerified();
  StringMap out = invokeIssue(
      {{"authenticated", "True"}, {"userId", "12345678"}},
      {{"userId", "12345678"}, {"action", "account:add_member"}, {"phone", "+14155550177"}});
  EXPECT_EQ(out["lambdaResult"], "Success");
  EXPECT_EQ(out["linkResult"], "Sent");
  EXPECT_EQ(out["linkExpiresInMinutes"], "10");
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, "+14155550100");
  // The default action is account:add_member.
  EXPECT_EQ(invokeIssue({{"authenticated", "True"}}, {{"userId", "12345678"}})["linkResult"],
            "Sent");
  EXPECT_EQ(grants_.rows.back().action, kActionAddMember);
}

TEST_F(ActionLinksTest, IssueActionLinkRefusesUnknownActionsAndUsers) {
  pinVerified();
  StringMap attrs;
  EXPECT_EQ(invokeIssue(attrs, {{"userId", "12345678"}, {"action", "account:close"}})["reason"],
            "unknown_action");
  // Nothing vouches for a user id no customer has, so it is refused before it is looked up.
  EXPECT_EQ(invokeIssue(attrs, {{"userId", "99999999"}})["reason"], "not_authenticated");
  // A record naming such an id (the customer deleted since) gets as far as the lookup.
  ASSERT_TRUE(ledger_.record("c-2", kContactAuthPin, "99999999", "+14155550111").ok());
  EXPECT_EQ(invokeIssue(attrs, {{"userId", "99999999"}}, "+14155550177", "c-2")["reason"],
            "unknown_user");
  EXPECT_TRUE(sms_.sent.empty());
}

TEST_F(ActionLinksTest, AtMostThreeLinksPerUserIdPerTenMinutes) {
  pinVerified();
  StringMap attrs;
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(invokeIssue(attrs, {{"userId", "12345678"}})["linkResult"], "Sent");
  StringMap limited = invokeIssue(attrs, {{"userId", "12345678"}});
  EXPECT_EQ(limited["linkResult"], "Error");
  EXPECT_EQ(limited["reason"], "rate_limited");
  EXPECT_EQ(sms_.sent.size(), 3u);
  EXPECT_TRUE(audit_.has("link_rate_limited"));
  clock_.advance(Seconds(601));
  EXPECT_EQ(invokeIssue(attrs, {{"userId", "12345678"}})["linkResult"], "Sent");
}

TEST_F(ActionLinksTest, ASendFailureIsReported) {
  pinVerified();
  sms_.failing = true;
  StringMap out = invokeIssue({{"authenticated", "True"}}, {{"userId", "12345678"}});
  EXPECT_EQ(out["linkResult"], "Error");
  EXPECT_EQ(out["reason"], "sms_failed");
  EXPECT_TRUE(audit_.has("link_send_failed"));
}

TEST_F(ActionLinksTest, TheBaseUrlCanBeFixedOnceTheServerListens) {
  links_.setPublicBaseUrl("http://127.0.0.1:40123/");
  ASSERT_TRUE(links_.issue("12345678", kActionAddMember).ok());
  EXPECT_NE(sms_.sent.back().body.find("http://127.0.0.1:40123/l/"), std::string::npos)
      << sms_.sent.back().body;
}

TEST_F(ActionLinksTest, AddMemberValidatesAndAudits) {
  auto added = addMember_.add(
      "12345678", MemberInput{"Grace Hopper", "spouse", "1990-02-28", "+1 415 555 0123"});
  ASSERT_TRUE(added.ok()) << added.error().toString();
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->accountUserId, "12345678");
  EXPECT_EQ(added->phone, "+14155550123");
  ASSERT_EQ(members_.rows.size(), 1u);
  ASSERT_TRUE(audit_.has("member_added"));
  for (const auto& [event, fields] : audit_.events) {
    for (const auto& [k, v] : fields) {
      EXPECT_EQ(v.find("Grace"), std::string::npos) << event << " " << k;
      EXPECT_EQ(v.find("1990"), std::string::npos) << event << " " << k;
      EXPECT_NE(v, "+14155550123") << event << " " << k;
    }
  }

  auto future = addMember_.add("12345678", MemberInput{"Baby", "child", "2030-01-01", ""});
  ASSERT_FALSE(future.ok());
  EXPECT_EQ(future.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(future.error().message(), "dateOfBirth must be a date in the past");
  auto noAccount = addMember_.add("99999999", MemberInput{"Grace", "spouse", "1990-02-28", ""});
  ASSERT_FALSE(noAccount.ok());
  EXPECT_EQ(noAccount.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(members_.rows.size(), 1u);
}

}  // namespace
}  // namespace callgate
