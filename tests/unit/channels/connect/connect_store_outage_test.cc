// The Connect endpoints with the database away: each built-in function, over stores that answer
// kUnavailable, reaches its endpoint as 503 (Connect retries or takes the flow's error branch),
// never 500 or an answer; one warn line names the function and the code, and no phone number.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "channels/connect/connect_routes.h"
#include "fakes/failing_stores.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/action_links.h"
#include "functions/builtin_credential_verifier.h"
#include "functions/issue_action_link.h"
#include "functions/lookup_caller.h"
#include "functions/send_otp.h"
#include "functions/verify_otp.h"
#include "functions/verify_pin.h"
#include "unit/channels/common/log_capture.h"

namespace callgate::connect {
namespace {

using namespace callgate::testing;  // NOLINT: test file
using nlohmann::json;

constexpr const char* kCaller = "+14155550100";

class ConnectStoreOutageTest : public ::testing::Test {
 protected:
  ConnectStoreOutageTest()
      : challenges_(customers_),
        credentials_(customers_),
        customersDown_(customers_, outage_),
        challengesDown_(challenges_, outage_),
        credentialsDown_(credentials_, outage_),
        grantsDown_(grants_, outage_),
        links_(LinkDeps{customersDown_, grantsDown_, sms_, hasher_, random_, clock_, audit_, {}}) {
    OtpDeps otp{customersDown_, challengesDown_, sms_, hasher_, random_, clock_, audit_, {}};
    registry_.add(std::make_unique<LookupCaller>(customersDown_, CallerIdTrust::kAttested));
    registry_.add(std::make_unique<SendOtp>(otp));
    registry_.add(std::make_unique<VerifyOtp>(otp, ledger_));
    registry_.add(
        std::make_unique<VerifyPin>(PinDeps{customersDown_, credentialsDown_, builtin_, clock_,
                                            audit_, PinLockoutPolicy::permanentAfter(5)},
                                    ledger_));
    registry_.add(std::make_unique<IssueActionLink>(links_, ledger_));
    Customer ada{kCaller, "Ada", "Lovelace", "Gold", "en-US", {}};
    ada.userId = "12345678";
    EXPECT_TRUE(customers_.addWithPins({{ada, *pinHasher_.hash("12345678", "4321")}}).ok());
  }

  http::Response call(const std::string& function, json parameters,
                      json attributes = json::object()) {
    json event = {{"Details",
                   {{"ContactData",
                     {{"ContactId", "c-1"},
                      {"CustomerEndpoint", {{"Address", kCaller}, {"Type", "TELEPHONE_NUMBER"}}},
                      {"Attributes", attributes}}},
                    {"Parameters", parameters}}},
                  {"Name", "ContactFlowEvent"}};
    http::Request request;
    request.method = "POST";
    request.body = event.dump();
    Function* fn = registry_.find(function);
    EXPECT_NE(fn, nullptr) << function;
    return handleConnectRequest(*fn, request);
  }

  void expectUnavailable(const std::string& function, json parameters,
                         json attributes = json::object()) {
    SCOPED_TRACE(function);
    LogCapture log;
    outage_.goDown();
    http::Response r = call(function, parameters, attributes);
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(json::parse(r.body)["error"], "temporarily unavailable; retry later");
    EXPECT_EQ(
        log.lines("event=connect_function_unavailable function=" + function + " code=unavailable"),
        1)
        << log.text();
    EXPECT_FALSE(log.contains("555")) << "a phone number in the log: " << log.text();
    EXPECT_FALSE(log.contains("4321")) << "the PIN in the log";
    EXPECT_FALSE(log.contains("internal")) << log.text();
    // The database comes back: the same request is answered again.
    outage_.comeBack();
    EXPECT_EQ(call(function, parameters, attributes).status, 200);
  }

  StoreOutage outage_;
  FakeClock clock_;
  FakeRandom random_;
  FakeCodeHasher hasher_;
  FakePinHasher pinHasher_;
  InMemoryCustomerStore customers_;
  InMemoryChallengeStore challenges_;
  InMemoryCredentialStore credentials_;
  InMemoryGrantStore grants_;
  RecordingSmsSender sms_;
  RecordingAuditLog audit_;
  FailingCustomerStore customersDown_;
  FailingChallengeStore challengesDown_;
  FailingCredentialStore credentialsDown_;
  FailingGrantStore grantsDown_;
  InMemoryContactAuthStore contactAuth_;
  FailingContactAuthStore contactAuthDown_{contactAuth_, outage_};
  ContactAuthLedger ledger_{contactAuthDown_, customersDown_, clock_};
  BuiltinCredentialVerifier builtin_{credentialsDown_, pinHasher_, customersDown_, clock_};
  ActionLinks links_;
  FunctionRegistry registry_;
};

TEST_F(ConnectStoreOutageTest, LookupCallerAnswers503) {
  expectUnavailable("lookup-caller", {{"attestation", "A"}});
}

TEST_F(ConnectStoreOutageTest, SendOtpAnswers503AndSendsNothing) {
  expectUnavailable("send-otp", json::object());
  EXPECT_EQ(sms_.sent.size(), 1u);  // only the request after the database came back
}

TEST_F(ConnectStoreOutageTest, VerifyOtpAnswers503) {
  expectUnavailable("verify-otp", {{"code", "123456"}});
  EXPECT_FALSE(audit_.has("otp_verified"));
}

TEST_F(ConnectStoreOutageTest, VerifyPinAnswers503) {
  expectUnavailable("verify-pin", {{"userId", "12345678"}, {"pin", "4321"}});
}

TEST_F(ConnectStoreOutageTest, IssueActionLinkAnswers503) {
  expectUnavailable("issue-action-link", {{"userId", "12345678"}},
                    {{"authenticated", "True"}, {"userId", "12345678"}});
}

}  // namespace
}  // namespace callgate::connect
