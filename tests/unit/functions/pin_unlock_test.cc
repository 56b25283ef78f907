// Self-service PIN unlock: send-unlock-code texts a code to the number on file of a locked user
// id (through send-otp), verify-unlock-code takes it back and clears the lock; neither tells a
// known id from an unknown one, and neither signs the caller in.
#include <gtest/gtest.h>

#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/builtin_credential_verifier.h"
#include "functions/send_otp.h"
#include "functions/send_unlock_code.h"
#include "functions/verify_pin.h"
#include "functions/verify_unlock_code.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

constexpr const char* kOnFile = "+14155550100";
constexpr const char* kCaller = "+14155550177";  // someone else's phone

class PinUnlockTest : public ::testing::Test {
 protected:
  PinUnlockTest()
      : challenges_(customers_),
        credentials_(customers_),
        sendOtp_(otpDeps()),
        sendUnlock_(UnlockCodeDeps{customers_, credentials_, clock_, audit_, lockout_}, sendOtp_),
        verifyUnlock_(otpDeps(), credentials_),
        verifyPin_(PinDeps{customers_, credentials_, builtin_, clock_, audit_, lockout_}, ledger_) {
    Customer ada{kOnFile, "Ada", "Lovelace", "Gold", "en-GB", {}};
    ada.userId = "12345678";
    EXPECT_TRUE(customers_.addWithPins({{ada, *pinHasher_.hash("12345678", "4321")}}).ok());
  }

  OtpDeps otpDeps() {
    return OtpDeps{customers_, challenges_, sms_, codeHasher_, random_, clock_, audit_, otp_};
  }
  FunctionRequest request(StringMap params) {
    FunctionRequest r;
    r.contact.contactId = "c-1";
    r.contact.customerAddress = kCaller;
    r.parameters = std::move(params);
    return r;
  }
  StringMap call(Function& fn, StringMap params) {
    auto r = fn.invoke(request(std::move(params)));
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : StringMap{};
  }
  StringMap pin(const std::string& userId, const std::string& pin) {
    return call(verifyPin_, {{"userId", userId}, {"pin", pin}});
  }
  StringMap sendCode(const std::string& userId, const std::string& digits = "654321") {
    random_.scriptDigits(digits);
    return call(sendUnlock_, {{"userId", userId}});
  }
  StringMap unlock(const std::string& userId, const std::string& code) {
    return call(verifyUnlock_, {{"userId", userId}, {"code", code}});
  }
  void lock(const std::string& userId) {
    for (int i = 0; i < 3; ++i) pin(userId, "0000");
    ASSERT_EQ(pin(userId, "4321")["authResult"], "Locked");
  }
  std::string reasonOfLast(std::string_view event) const {
    for (auto it = audit_.events.rbegin(); it != audit_.events.rend(); ++it) {
      if (it->first != event) continue;
      for (const auto& [k, v] : it->second) {
        if (k == "reason") return v;
      }
    }
    return "";
  }

  PinLockoutPolicy lockout_{{{3, Seconds(60)}}, 6};
  OtpConfig otp_;
  FakeClock clock_;
  FakeRandom random_;
  FakeCodeHasher codeHasher_;
  FakePinHasher pinHasher_;
  InMemoryCustomerStore customers_;
  InMemoryChallengeStore challenges_;
  InMemoryCredentialStore credentials_;
  RecordingSmsSender sms_;
  RecordingAuditLog audit_;
  InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_{contactAuth_, customers_, clock_};
  BuiltinCredentialVerifier builtin_{credentials_, pinHasher_, customers_, clock_};
  SendOtp sendOtp_;
  SendUnlockCode sendUnlock_;
  VerifyUnlockCode verifyUnlock_;
  VerifyPin verifyPin_;
};

TEST_F(PinUnlockTest, ACodeToTheNumberOnFileUnlocksButDoesNotSignIn) {
  lock("12345678");
  StringMap sent = sendCode("12345678");
  EXPECT_EQ(sent, (StringMap{{"lambdaResult", "Success"}, {"unlockResult", "Requested"}}));
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, kOnFile);  // never the caller's number
  EXPECT_NE(sms_.sent[0].body.find("654321"), std::string::npos);
  EXPECT_TRUE(audit_.has("pin_unlock_code_sent"));

  StringMap unlocked = unlock("12345678", "654321");
  EXPECT_EQ(unlocked["unlockResult"], "Unlocked");
  EXPECT_EQ(unlocked["authenticated"], "False");
  EXPECT_EQ(unlocked.count("firstName"), 0u);
  EXPECT_TRUE(audit_.has("pin_unlocked_self_service"));
  EXPECT_EQ(credentials_.failures.count("12345678"), 0u);
  // Not signed in: nothing recorded for the contact, and no one enrolled.
  EXPECT_TRUE(contactAuth_.rows.empty());
  EXPECT_EQ(*customers_.count(), 1);
  // The PIN is what signs in, now that it may be checked again.
  EXPECT_EQ(pin("12345678", "4321")["authResult"], "Authenticated");
}

TEST_F(PinUnlockTest, TheCodeIsSingleUseAndWrongCodesCount) {
  lock("12345678");
  sendCode("12345678");
  EXPECT_EQ(unlock("12345678", "111111")["unlockResult"], "Invalid");
  EXPECT_EQ(unlock("12345678", "12ab")["unlockResult"], "Invalid");
  EXPECT_TRUE(audit_.has("pin_unlock_code_failed"));
  EXPECT_EQ(challenges_.rows.back().attempts, 2);
  EXPECT_EQ(pin("12345678", "4321")["authResult"], "Locked");  // still locked
  EXPECT_EQ(unlock("12345678", "654321")["unlockResult"], "Unlocked");
  EXPECT_EQ(unlock("12345678", "654321")["unlockResult"], "Invalid");  // used up
}

TEST_F(PinUnlockTest, AnExpiredOrExhaustedCodeUnlocksNothing) {
  lock("12345678");
  sendCode("12345678");
  clock_.advance(otp_.ttl);
  EXPECT_EQ(unlock("12345678", "654321")["unlockResult"], "Invalid");
  lock("12345678");  // the PIN lock ran out meanwhile
  sendCode("12345678", "222222");
  for (int i = 0; i < otp_.maxAttempts; ++i) unlock("12345678", "000000");
  EXPECT_EQ(unlock("12345678", "222222")["unlockResult"], "Invalid");
  EXPECT_FALSE(audit_.has("pin_unlocked_self_service"));
}

TEST_F(PinUnlockTest, AnUnknownUserIdGetsTheSameAnswersAndNothingIsSent) {
  lock("12345678");
  lock("11223344");  // no customer has it, and it locks just the same
  EXPECT_EQ(sendCode("11223344"), sendCode("12345678"));
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(reasonOfLast("pin_unlock_code_not_sent"), "unknown_user_id");
  EXPECT_EQ(unlock("11223344", "654321"), unlock("12345678", "000000"));
  EXPECT_EQ(unlock("abc", "654321")["unlockResult"], "Invalid");
  EXPECT_EQ(sendCode("abc")["unlockResult"], "Requested");
}

TEST_F(PinUnlockTest, AnIdThatIsNotLockedGetsNoCode) {
  EXPECT_EQ(sendCode("12345678")["unlockResult"], "Requested");
  EXPECT_TRUE(sms_.sent.empty());
  EXPECT_EQ(reasonOfLast("pin_unlock_code_not_sent"), "not_locked");
  // Nor once a temporary lock has run out.
  lock("12345678");
  clock_.advance(Seconds(60));
  sendCode("12345678");
  EXPECT_TRUE(sms_.sent.empty());
}

TEST_F(PinUnlockTest, SendOtpLimitsApplyAndLookTheSame) {
  lock("12345678");
  for (int i = 0; i < otp_.perNumberLimit; ++i) sendCode("12345678");
  EXPECT_EQ(sms_.sent.size(), static_cast<size_t>(otp_.perNumberLimit));
  EXPECT_EQ(sendCode("12345678")["unlockResult"], "Requested");
  EXPECT_EQ(sms_.sent.size(), static_cast<size_t>(otp_.perNumberLimit));
  EXPECT_EQ(reasonOfLast("pin_unlock_code_not_sent"), "RateLimited");
  EXPECT_TRUE(audit_.has("otp_rate_limited"));
}

TEST_F(PinUnlockTest, APermanentLockUnlocksToo) {
  for (int i = 0; i < 6; ++i) {
    pin("12345678", "0000");
    clock_.advance(Seconds(60));
  }
  ASSERT_EQ(pin("12345678", "4321")["lockKind"], "permanent");
  sendCode("12345678");
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(unlock("12345678", "654321")["unlockResult"], "Unlocked");
  EXPECT_EQ(pin("12345678", "4321")["authResult"], "Authenticated");
}

TEST_F(PinUnlockTest, AFailingStoreIsAnError) {
  lock("12345678");
  customers_.failing = true;
  EXPECT_FALSE(sendUnlock_.invoke(request({{"userId", "12345678"}})).ok());
  EXPECT_FALSE(verifyUnlock_.invoke(request({{"userId", "12345678"}, {"code", "1"}})).ok());
}

}  // namespace
}  // namespace callgate
