// MemberAction over fakes: verify -> check -> consume -> add, without HTTP. A refused token adds
// nothing and consumes nothing, a bad form consumes nothing, a used token adds nothing, and of
// concurrent requests with one token exactly one adds a member.
#include "functions/member_action.h"

#include <gtest/gtest.h>

#include <thread>

#include "unit/functions/token_port_fakes.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

class MemberActionTest : public ::testing::Test {
 protected:
  MemberActionTest()
      : tokens_(clock_, log_),
        members_(customers_, log_),
        addMember_(customers_, members_, clock_, audit_),
        action_(tokens_, addMember_) {
    Customer ada{"+14155550100", "Ada", "Lovelace", "Gold", "en-US", {}};
    ada.userId = "12345678";
    EXPECT_TRUE(customers_.add(ada).ok());
    Customer bob{"+14155550101", "Bob", "Babbage", "Gold", "en-US", {}};
    bob.userId = "87654321";
    EXPECT_TRUE(customers_.add(bob).ok());
  }

  static MemberInput anne() { return MemberInput{"Anne King", "child", "2011-09-22", ""}; }

  FakeClock clock_;
  CallLog log_;
  FakeTokens tokens_;
  InMemoryCustomerStore customers_;
  LockedMemberStore members_;
  RecordingAuditLog audit_;
  AddMember addMember_;
  MemberAction action_;
};

TEST_F(MemberActionTest, VerifiesThenConsumesThenAdds) {
  const std::string token = tokens_.mint("12345678");
  auto added = action_.run(token, "12345678", anne());
  ASSERT_TRUE(added.ok()) << added.error().toString();
  EXPECT_EQ(added->accountUserId, "12345678");
  EXPECT_EQ(added->name, "Anne King");
  EXPECT_EQ(log_.calls(), (std::vector<std::string>{"issue", "verify", "consume", "add"}));
  EXPECT_EQ(tokens_.used.count(tokens_.claimsOf(token).jti), 1u);
  ASSERT_EQ(audit_.events.size(), 1u);
  EXPECT_EQ(audit_.events[0].first, "member_added");
  EXPECT_EQ(audit_.events[0].second,
            (std::vector<std::pair<std::string, std::string>>{
                {"user_id", "12345678"}, {"member", "1"}, {"relationship", "child"}}));
}

TEST_F(MemberActionTest, AUsedTokenCannotAddASecondMember) {
  const std::string token = tokens_.mint("12345678");
  ASSERT_TRUE(action_.run(token, "12345678", anne()).ok());
  auto again = action_.run(token, "12345678", anne());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(members_.size(), 1u);
  EXPECT_EQ(audit_.events.size(), 1u);
}

TEST_F(MemberActionTest, ATokenConsumedAfterItsCheckAddsNothing) {
  const std::string token = tokens_.mint("12345678");
  auto permit = action_.authorize(token, "12345678");
  ASSERT_TRUE(permit.ok());
  // Another request with the same token gets there first.
  ASSERT_TRUE(tokens_.consume(tokens_.claimsOf(token)).ok());
  auto late = action_.add(std::move(*permit), anne());
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(members_.size(), 0u);
  EXPECT_EQ(log_.count("add"), 0u);
  EXPECT_FALSE(audit_.has("member_added"));
}

TEST_F(MemberActionTest, AWrongScopeOrAccountAddsNothingAndConsumesNothing) {
  const std::string otherScope = tokens_.mint("12345678", "account:close");
  const std::string bobs = tokens_.mint("87654321");
  for (const auto& [token, account] : std::vector<std::pair<std::string, std::string>>{
           {otherScope, "12345678"}, {bobs, "12345678"}, {tokens_.mint("12345678"), "87654321"}}) {
    auto refused = action_.run(token, account, anne());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied) << account;
  }
  EXPECT_EQ(log_.count("consume"), 0u);
  EXPECT_EQ(log_.count("add"), 0u);
  EXPECT_TRUE(tokens_.used.empty());
  EXPECT_TRUE(audit_.events.empty());
  EXPECT_TRUE(action_.run(bobs, "87654321", anne()).ok());  // still good for its own account
}

TEST_F(MemberActionTest, AnInvalidOrExpiredTokenAddsNothingAndConsumesNothing) {
  const std::string token = tokens_.mint("12345678");
  for (const std::string& bad : {std::string("token.forged"), std::string(""), token + "x"}) {
    auto refused = action_.run(bad, "12345678", anne());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code(), ErrorCode::kUnauthenticated) << bad;
  }
  clock_.advance(Seconds(300 + 6));  // past exp and the 5 s leeway
  auto expired = action_.run(token, "12345678", anne());
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(log_.count("consume"), 0u);
  EXPECT_EQ(members_.size(), 0u);
}

TEST_F(MemberActionTest, ABadFormConsumesNothing) {
  const std::string token = tokens_.mint("12345678");
  MemberInput future = anne();
  future.dateOfBirth = "2999-01-01";
  auto refused = action_.run(token, "12345678", future);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message().rfind("dateOfBirth", 0), 0u) << refused.error().message();
  MemberInput nameless = anne();
  nameless.name = "  ";
  EXPECT_EQ(action_.run(token, "12345678", nameless).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(log_.count("consume"), 0u);
  EXPECT_TRUE(tokens_.used.empty());

  EXPECT_TRUE(action_.run(token, "12345678", anne()).ok());  // the corrected form goes through
}

TEST_F(MemberActionTest, AnAccountWithoutACustomerIsNotFoundAfterTheTokenIsUsed) {
  const std::string token = tokens_.mint("99999999");
  auto missing = action_.run(token, "99999999", anne());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(tokens_.used.size(), 1u);  // as before: the account is looked up after consuming
}

TEST_F(MemberActionTest, DependencyFailuresAreUnavailable) {
  const std::string token = tokens_.mint("12345678");
  tokens_.verifyError = Error::unavailable("token state store down");
  EXPECT_EQ(action_.run(token, "12345678", anne()).error().code(), ErrorCode::kUnavailable);
  tokens_.verifyError = Error::internal("odd");
  EXPECT_EQ(action_.run(token, "12345678", anne()).error().code(), ErrorCode::kUnavailable);
  tokens_.verifyError.reset();

  tokens_.consumeError = Error::invalidArgument("token has no jti");  // not the caller's fault
  EXPECT_EQ(action_.run(token, "12345678", anne()).error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(log_.count("add"), 0u);
  tokens_.consumeError.reset();

  members_.addError = Error::internal("disk full");
  EXPECT_EQ(action_.run(token, "12345678", anne()).error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(members_.size(), 0u);
  EXPECT_FALSE(audit_.has("member_added"));
}

TEST_F(MemberActionTest, ConcurrentRequestsWithOneTokenAddExactlyOneMember) {
  constexpr int kThreads = 4;
  const std::string token = tokens_.mint("12345678");
  std::vector<Result<Member>> results(kThreads, Error::internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = action_.run(token, "12345678", anne()); });
  }
  for (auto& t : threads) t.join();
  int added = 0;
  for (const auto& r : results) {
    if (r.ok()) {
      ++added;
    } else {
      EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
    }
  }
  EXPECT_EQ(added, 1);
  EXPECT_EQ(members_.size(), 1u);
}

}  // namespace
}  // namespace callgate
