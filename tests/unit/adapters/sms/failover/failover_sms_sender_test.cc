// FailoverSmsSender over scripted providers: what is passed on to the next provider and what is
// final, the breaker around each provider, the store rows naming the provider that sent, and the
// metrics. Also failedSubmission()'s reading of the HTTP trace, through the Twilio sender.
#include "adapters/sms/failover/failover_sms_sender.h"

#include <gtest/gtest.h>

#include <deque>

#include "adapters/sms/twilio/twilio_sms_sender.h"
#include "common/metrics.h"
#include "common/metrics_catalog.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_sms_message_store.h"

namespace callgate {
namespace {

using testing::FakeClock;
using testing::FakeRandom;
using testing::InMemorySmsMessageStore;

const SmsMessage kMessage{"+14155550123", "Your one-time PIN is 123456"};

SmsSubmission accepted(const std::string& providerId) {
  SmsSubmission s;
  s.providerMessageId = providerId;
  return s;
}

SmsSubmission refused(Error error, bool mayHaveBeenAccepted, const std::string& code) {
  SmsSubmission s;
  s.outcome = std::move(error);
  s.errorCode = code;
  s.mayHaveBeenAccepted = mayHaveBeenAccepted;
  return s;
}

SmsSubmission unavailable() {
  return refused(Error::unavailable("HTTP 503 (gave up after retries)"), false, "http_503");
}

// A provider answering from a script (then the default), counting what it was handed.
class ScriptedProvider final : public TrackedSmsSender {
 public:
  ScriptedProvider(std::string name, SmsTracking tracking)
      : TrackedSmsSender(std::move(name), tracking) {}
  std::deque<SmsSubmission> script;
  SmsSubmission fallback = accepted("default");
  int calls = 0;

 protected:
  SmsSubmission submit(const SmsMessage&, const std::string&) override {
    ++calls;
    if (script.empty()) return fallback;
    SmsSubmission next = script.front();
    script.pop_front();
    return next;
  }
};

class FailoverSmsSenderTest : public ::testing::Test {
 protected:
  FailoverSmsSenderTest() {
    auto first = std::make_unique<ScriptedProvider>("twilio", tracking());
    auto second = std::make_unique<ScriptedProvider>("sns", tracking());
    first_ = first.get();
    second_ = second.get();
    std::vector<std::unique_ptr<TrackedSmsSender>> providers;
    providers.push_back(std::move(first));
    providers.push_back(std::move(second));
    CircuitBreakerOptions breaker;
    breaker.failures = 3;
    breaker.cooldown = Seconds(30);
    sender_ = std::make_unique<FailoverSmsSender>(std::move(providers), breaker, clock_);
  }
  SmsTracking tracking() { return {&store_, random_, clock_}; }
  // The rows' (provider, status) in the order they were written (ids sort by FakeRandom call).
  std::vector<std::pair<std::string, std::string>> rows() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [id, r] : store_.rows) out.emplace_back(r.provider, r.status);
    return out;
  }
  static uint64_t failovers(std::string_view from, std::string_view to) {
    return metrics::smsFailovers().with({from, to}).value();
  }

  FakeClock clock_;
  FakeRandom random_;
  InMemorySmsMessageStore store_;
  ScriptedProvider* first_ = nullptr;
  ScriptedProvider* second_ = nullptr;
  std::unique_ptr<FailoverSmsSender> sender_;
};

TEST_F(FailoverSmsSenderTest, TheFirstProviderSendsWhenItCan) {
  EXPECT_TRUE(sender_->send(kMessage).ok());
  EXPECT_EQ(first_->calls, 1);
  EXPECT_EQ(second_->calls, 0);
  EXPECT_EQ(rows(), (std::vector<std::pair<std::string, std::string>>{{"twilio", "accepted"}}));
}

TEST_F(FailoverSmsSenderTest, AnUnavailableProviderPassesTheMessageOn) {
  const uint64_t before = failovers("twilio", "sns");
  first_->script = {unavailable()};
  second_->script = {accepted("sns-1")};
  EXPECT_TRUE(sender_->send(kMessage).ok());
  EXPECT_EQ(first_->calls, 1);
  EXPECT_EQ(second_->calls, 1);
  EXPECT_EQ(failovers("twilio", "sns"), before + 1);
  // Each provider keeps its own row, naming itself: reports land on the one that sent.
  EXPECT_EQ(rows(), (std::vector<std::pair<std::string, std::string>>{{"twilio", "failed"},
                                                                      {"sns", "accepted"}}));
  for (const auto& [id, r] : store_.rows) {
    if (r.provider == "sns") {
      EXPECT_EQ(r.providerMessageId, "sns-1");
    } else {
      EXPECT_EQ(r.errorCode, "http_503");
    }
  }
}

TEST_F(FailoverSmsSenderTest, RefusedCredentialsPassTheMessageOn) {
  first_->script = {refused(Error::failedPrecondition("HTTP 401"), false, "20003")};
  EXPECT_TRUE(sender_->send(kMessage).ok());
  EXPECT_EQ(second_->calls, 1);
}

TEST_F(FailoverSmsSenderTest, ARefusedNumberIsFinal) {
  first_->script = {
      refused(Error::invalidArgument("HTTP 400, provider code 21211"), false, "21211")};
  const Status s = sender_->send(kMessage);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(second_->calls, 0) << "the number is bad, not the provider";
  // And it is no failure of the provider's: three of them leave the circuit closed.
  first_->script = {refused(Error::invalidArgument("x"), false, "21211"),
                    refused(Error::invalidArgument("x"), false, "21211")};
  EXPECT_FALSE(sender_->send(kMessage).ok());
  EXPECT_FALSE(sender_->send(kMessage).ok());
  EXPECT_EQ(sender_->state(0), CircuitState::kClosed);
}

TEST_F(FailoverSmsSenderTest, AFailureThatMayHaveBeenAcceptedIsNotSentTwice) {
  first_->script = {refused(Error::unavailable("timeout"), true, "transport")};
  const Status s = sender_->send(kMessage);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(second_->calls, 0);
  EXPECT_EQ(rows(), (std::vector<std::pair<std::string, std::string>>{{"twilio", "failed"}}));
}

TEST_F(FailoverSmsSenderTest, OtherErrorsAreFinal) {
  first_->script = {refused(Error::resourceExhausted("answer too large"), false, "transport")};
  EXPECT_FALSE(sender_->send(kMessage).ok());
  EXPECT_EQ(second_->calls, 0);
}

TEST_F(FailoverSmsSenderTest, BothFailingReturnsTheLastError) {
  first_->script = {unavailable()};
  second_->script = {refused(Error::unavailable("sns: HTTP 500"), false, "http_500")};
  const Status s = sender_->send(kMessage);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("sns"), std::string::npos) << s.error().message();
}

TEST_F(FailoverSmsSenderTest, TheBreakerSkipsAFailingProviderAndRecovers) {
  first_->fallback = unavailable();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(sender_->send(kMessage).ok());
  EXPECT_EQ(first_->calls, 3);
  EXPECT_EQ(sender_->state(0), CircuitState::kOpen);
  EXPECT_EQ(metrics::smsProviderState().with({"twilio"}).value(), 2);
  const uint64_t before = failovers("twilio", "sns");

  // Open: the first provider is not asked at all; the failover still counts.
  EXPECT_TRUE(sender_->send(kMessage).ok());
  EXPECT_EQ(first_->calls, 3);
  EXPECT_EQ(second_->calls, 4);
  EXPECT_EQ(failovers("twilio", "sns"), before + 1);

  // After the cool-down one trial goes to it; it fails, so the circuit opens again.
  clock_.advance(Seconds(30));
  EXPECT_TRUE(sender_->send(kMessage).ok());
  EXPECT_EQ(first_->calls, 4);
  EXPECT_EQ(sender_->state(0), CircuitState::kOpen);
  EXPECT_TRUE(sender_->send(kMessage).ok());
  EXPECT_EQ(first_->calls, 4);

  // The provider recovers: the next trial closes the circuit and it sends again.
  first_->fallback = accepted("back");
  clock_.advance(Seconds(30));
  EXPECT_TRUE(sender_->send(kMessage).ok());
  EXPECT_EQ(first_->calls, 5);
  EXPECT_EQ(sender_->state(0), CircuitState::kClosed);
  EXPECT_EQ(metrics::smsProviderState().with({"twilio"}).value(), 0);
  const int secondCalls = second_->calls;
  EXPECT_TRUE(sender_->send(kMessage).ok());
  EXPECT_EQ(second_->calls, secondCalls);
}

TEST_F(FailoverSmsSenderTest, EveryCircuitOpenFailsAtOnce) {
  first_->fallback = unavailable();
  second_->fallback = unavailable();
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(sender_->send(kMessage).ok());
  const int calls = first_->calls + second_->calls;
  const Status s = sender_->send(kMessage);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(first_->calls + second_->calls, calls) << "no request while every circuit is open";
}

// An HttpClient answering one scripted response and filling the trace as a transport would.
class TracingHttpClient final : public HttpClient {
 public:
  Result<HttpClientResponse> answer = HttpClientResponse{503, {}, ""};
  HttpSendTrace trace;
  Result<HttpClientResponse> send(const HttpClientRequest& request) override {
    if (request.trace != nullptr) *request.trace = trace;
    return answer;
  }
};

class TraceTest : public ::testing::Test {
 protected:
  SmsSendResult sendWith(Result<HttpClientResponse> answer, HttpSendTrace trace) {
    http_.answer = std::move(answer);
    http_.trace = trace;
    TwilioSmsConfig config;
    config.accountSid = "AC0123456789abcdef0123456789abcdef";
    config.authToken = "token";
    config.from = "+15005550006";
    TwilioSmsSender sender(config, http_, {&store_, random_, clock_});
    return sender.sendTracked(kMessage);
  }
  FakeClock clock_;
  FakeRandom random_;
  InMemorySmsMessageStore store_;
  TracingHttpClient http_;
};

TEST_F(TraceTest, AnsweredRefusalsWereCertainlyNotAccepted) {
  EXPECT_FALSE(sendWith(HttpClientResponse{503, {}, ""}, {3, 0}).mayHaveBeenAccepted);
  EXPECT_FALSE(sendWith(HttpClientResponse{429, {}, ""}, {1, 0}).mayHaveBeenAccepted);
  EXPECT_FALSE(sendWith(HttpClientResponse{401, {}, ""}, {1, 0}).mayHaveBeenAccepted);
  EXPECT_FALSE(sendWith(Error::unavailable("Couldn't connect"), {2, 0}).mayHaveBeenAccepted);
}

TEST_F(TraceTest, AnyAttemptThatMayHaveReachedTheProviderCounts) {
  // A timeout after sending on the first attempt, a 503 on the second: the first may have taken it.
  EXPECT_TRUE(sendWith(HttpClientResponse{503, {}, ""}, {2, 1}).mayHaveBeenAccepted);
  EXPECT_TRUE(sendWith(Error::unavailable("Timeout was reached"), {1, 1}).mayHaveBeenAccepted);
}

TEST_F(TraceTest, AnUntracedTransportIsReadAsMaybe) {
  EXPECT_TRUE(sendWith(HttpClientResponse{503, {}, ""}, {0, 0}).mayHaveBeenAccepted);
}

TEST_F(TraceTest, SuccessIsNotAFailure) {
  const SmsSendResult r = sendWith(HttpClientResponse{201, {}, R"({"sid":"SM1"})"}, {1, 0});
  EXPECT_TRUE(r.outcome.ok());
  EXPECT_FALSE(r.mayHaveBeenAccepted);
}

}  // namespace
}  // namespace callgate
