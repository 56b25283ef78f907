#include "functions/staff_sign_in.h"

#include <gtest/gtest.h>

#include <string>

#include "fakes/fakes.h"
#include "fakes/in_memory_staff_store.h"

namespace callgate {
namespace {

using testing::FakeClock;
using testing::FakeCodeHasher;
using testing::FakePinHasher;
using testing::FakeRandom;
using testing::InMemoryStaffStore;
using testing::RecordingAuditLog;

// A TOTP whose valid code is "<step % 1000000, 6 digits>" for the current 30 s step only, with
// the seed "sealed" as "seed:<username>".
class FakeStaffTotp : public StaffTotp {
 public:
  TotpEnrollment enroll(std::string_view username) override {
    return {"seed:" + std::string(username), "BASE32", "otpauth://x"};
  }
  std::optional<int64_t> matchStep(std::string_view sealedSeed, std::string_view username,
                                   std::string_view code, TimePoint now) const override {
    if (sealedSeed != "seed:" + std::string(username)) return std::nullopt;
    const int64_t step = stepAt(now);
    if (code != codeFor(step)) return std::nullopt;
    return step;
  }
  static int64_t stepAt(TimePoint now) { return toUnixMillis(now) / 30000; }
  static std::string codeFor(int64_t step) {
    std::string digits = std::to_string(step % 1000000);
    return std::string(6 - digits.size(), '0') + digits;
  }
};

class StaffSignInTest : public ::testing::Test {
 protected:
  StaffSignInTest() {
    auto added = accounts_.add("ann", StaffRole::kSupervisor, kPassword);
    EXPECT_TRUE(added.ok());
  }
  std::string code() const { return FakeStaffTotp::codeFor(FakeStaffTotp::stepAt(clock_.now())); }
  StaffSignInResult signIn(std::string_view user = "ann", std::string_view password = kPassword) {
    return signIn_.signIn(user, password, code(), "10.0.0.9");
  }
  std::string lastRefusal() const {
    for (auto it = audit_.events.rbegin(); it != audit_.events.rend(); ++it) {
      if (it->first != "staff_sign_in_refused") continue;
      for (const auto& [k, v] : it->second) {
        if (k == "reason") return v;
      }
    }
    return "";
  }

  static constexpr const char* kPassword = "correct horse battery";
  InMemoryStaffStore store_;
  FakePinHasher hasher_;
  FakeStaffTotp totp_;
  FakeCodeHasher sessionHasher_;
  FakeRandom random_;
  FakeClock clock_;
  RecordingAuditLog audit_;
  StaffAccounts accounts_{store_, hasher_, totp_, clock_, audit_};
  StaffSignIn signIn_{store_, hasher_, totp_, sessionHasher_, random_, clock_, audit_};
};

TEST_F(StaffSignInTest, TheRightPasswordAndCodeOpenASessionTheCookieTokenFinds) {
  const StaffSignInResult r = signIn();
  ASSERT_EQ(r.outcome, StaffSignInOutcome::kSignedIn);
  EXPECT_EQ(r.role, StaffRole::kSupervisor);
  EXPECT_EQ(r.sessionToken.size(), 43u);
  auto view = signIn_.session(r.sessionToken);
  ASSERT_TRUE(view.ok() && view->has_value());
  EXPECT_EQ((*view)->session.username, "ann");
  EXPECT_EQ((*view)->session.csrfToken.size(), 43u);
  EXPECT_NE((*view)->session.csrfToken, r.sessionToken);
  // Only a keyed hash of the token is stored.
  EXPECT_NE((*view)->session.idHash.find("callgate-staff-session-v1|"), std::string::npos);
  EXPECT_TRUE(audit_.has("staff_signed_in"));
  EXPECT_FALSE(signIn_.session(r.sessionToken + "x")->has_value());
  EXPECT_FALSE(signIn_.session("")->has_value());
}

TEST_F(StaffSignInTest, UsernamesAreReadInLowerCase) {
  EXPECT_EQ(signIn("Ann").outcome, StaffSignInOutcome::kSignedIn);
}

TEST_F(StaffSignInTest, AnUnknownUserAndAWrongPasswordLookAlikeAndCostTheSame) {
  const int before = hasher_.verifications;
  const StaffSignInResult unknown = signIn("zed");
  EXPECT_EQ(lastRefusal(), "unknown");
  const StaffSignInResult wrong = signIn("ann", "wrong password!!");
  EXPECT_EQ(lastRefusal(), "password");
  EXPECT_EQ(unknown.outcome, StaffSignInOutcome::kRefused);
  EXPECT_EQ(wrong.outcome, StaffSignInOutcome::kRefused);
  EXPECT_TRUE(unknown.sessionToken.empty());
  EXPECT_EQ(hasher_.verifications - before, 2);
}

TEST_F(StaffSignInTest, AWrongCodeIsRefusedAndACodeWorksOnce) {
  EXPECT_EQ(signIn_.signIn("ann", kPassword, "999999", "").outcome, StaffSignInOutcome::kRefused);
  EXPECT_EQ(lastRefusal(), "code");
  EXPECT_EQ(signIn().outcome, StaffSignInOutcome::kSignedIn);
  EXPECT_EQ(signIn().outcome, StaffSignInOutcome::kRefused);
  EXPECT_EQ(lastRefusal(), "code_reused");
  clock_.advance(Seconds(30));
  EXPECT_EQ(signIn().outcome, StaffSignInOutcome::kSignedIn);
}

TEST_F(StaffSignInTest, FiveWrongTriesLockForFifteenMinutesEvenAgainstTheRightPassword) {
  for (int i = 0; i < kStaffLockAfter; ++i) {
    EXPECT_EQ(signIn("ann", "wrong password!!").outcome, StaffSignInOutcome::kRefused);
  }
  EXPECT_TRUE(audit_.has("staff_locked"));
  EXPECT_EQ(signIn().outcome, StaffSignInOutcome::kRefused);
  EXPECT_EQ(lastRefusal(), "locked");
  clock_.advance(kStaffLockFor);
  EXPECT_EQ(signIn().outcome, StaffSignInOutcome::kSignedIn);
}

TEST_F(StaffSignInTest, ASessionEndsWhenIdleAtItsMaximumAgeAndAtSignOut) {
  const std::string idle = signIn().sessionToken;
  clock_.advance(kStaffSessionIdle);
  EXPECT_FALSE(signIn_.session(idle)->has_value());

  clock_.advance(Seconds(30));
  const std::string busy = signIn().sessionToken;
  for (int i = 0; i < 12 * 4; ++i) {  // a request every 15 minutes keeps it alive...
    ASSERT_TRUE(signIn_.session(busy)->has_value()) << i;
    clock_.advance(Seconds(15 * 60));
  }
  EXPECT_FALSE(signIn_.session(busy)->has_value());  // ...for 12 hours, not longer

  clock_.advance(Seconds(30));
  const std::string token = signIn().sessionToken;
  signIn_.signOut(token, "10.0.0.9");
  EXPECT_FALSE(signIn_.session(token)->has_value());
  EXPECT_TRUE(audit_.has("staff_signed_out"));
}

TEST_F(StaffSignInTest, AResetOrRemovalEndsEverySession) {
  const std::string token = signIn().sessionToken;
  ASSERT_TRUE(accounts_.reset("ann", StaffRole::kAgent, "another long password").ok());
  EXPECT_FALSE(signIn_.session(token)->has_value());
  clock_.advance(Seconds(30));
  EXPECT_EQ(signIn().outcome, StaffSignInOutcome::kRefused);  // the old password
  EXPECT_EQ(signIn("ann", "another long password").outcome, StaffSignInOutcome::kSignedIn);
  clock_.advance(Seconds(30));
  const std::string again = signIn("ann", "another long password").sessionToken;
  ASSERT_TRUE(accounts_.remove("ann").ok());
  EXPECT_FALSE(signIn_.session(again)->has_value());
}

TEST_F(StaffSignInTest, AccountsRefuseBadUsernamesShortPasswordsAndDuplicates) {
  EXPECT_EQ(accounts_.add("Ann", StaffRole::kAgent, kPassword).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(accounts_.add("a b", StaffRole::kAgent, kPassword).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(accounts_.add("bob", StaffRole::kAgent, "short").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(accounts_.add("ann", StaffRole::kAgent, kPassword).error().code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(accounts_.reset("zed", StaffRole::kAgent, kPassword).error().code(),
            ErrorCode::kNotFound);
}

TEST_F(StaffSignInTest, NeitherPasswordNorCodeNorTokenReachesTheAuditLog) {
  const std::string token = signIn().sessionToken;
  signIn("ann", "wrong password!!");
  signIn_.signOut(token, "");
  for (const auto& [event, fields] : audit_.events) {
    for (const auto& [key, value] : fields) {
      EXPECT_EQ(value.find("horse"), std::string::npos) << event;
      EXPECT_EQ(value.find("wrong password"), std::string::npos) << event;
      EXPECT_NE(value, code()) << event;
      EXPECT_EQ(value.find(token), std::string::npos) << event;
    }
  }
}

}  // namespace
}  // namespace callgate
