// Test support for the Twilio voice runtime and route tests: the real built-in functions over the
// in-memory fakes, the shipped flow, and helpers to read the TwiML answers.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>

#include "channels/twilio_voice/parked_call.h"
#include "channels/twilio_voice/voice_runtime.h"
#include "core/flow/flow.h"
#include "fakes/fakes.h"
#include "functions/builtin.h"
#include "functions/lookup_caller.h"
#include "functions/send_otp.h"
#include "functions/verify_otp.h"

namespace callgate::twilio_voice::testing {

using namespace callgate::testing;  // NOLINT: test support

inline constexpr const char* kBase = "https://callgate.example.com";
inline constexpr const char* kUnknown = "+14155550123";
inline constexpr const char* kKnown = "+14155550100";
inline constexpr const char* kDialled = "+18005550100";
inline constexpr const char* kShippedFlow = "flows/caller-id-otp.json";
inline constexpr size_t kSecretBytes = 32;

// FakeRandom, but fill() counts up so every session gets its own id.
class SequenceRandom : public FakeRandom {
 public:
  void fill(std::span<uint8_t> out) override {
    ++counter_;
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<uint8_t>(counter_ >> (8 * (i % 4)));
  }

 private:
  uint32_t counter_ = 0;
};

// The voice_sessions cipher for a test OTP secret of 32 times `fill`.
inline std::unique_ptr<StateCipher> testStateCipher(char fill = 'k') {
  auto cipher = voiceStateCipher(std::string(kSecretBytes, fill));
  EXPECT_TRUE(cipher.ok());
  return cipher.ok() ? std::move(cipher).value() : nullptr;
}

inline std::string readSourceFile(const std::string& relative) {
  std::ifstream in(std::string(CALLGATE_SOURCE_DIR) + "/" + relative);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::shared_ptr<const flow::Flow> loadFlowText(const std::string& text) {
  flow::LoadOptions options;
  options.resolveFunction = [](const std::string& arn) { return resolveFunctionName(arn, {}); };
  auto flow = flow::Flow::load(text, options);
  EXPECT_TRUE(flow.ok()) << (flow.ok() ? "" : flow.error().message());
  return flow.ok() ? *flow : nullptr;
}

inline VoiceWebhook webhook(const std::string& callSid, const FormPairs& extra = {},
                            const std::string& from = kUnknown) {
  FormPairs pairs{{"CallSid", callSid},
                  {"AccountSid", "AC0123456789abcdef0123456789abcdef"},
                  {"From", from},
                  {"To", kDialled},
                  {"CallStatus", "in-progress"},
                  {"Direction", "inbound"},
                  {"ApiVersion", "2010-04-01"}};
  pairs.insert(pairs.end(), extra.begin(), extra.end());
  auto hook = parseVoiceWebhook(pairs);
  EXPECT_TRUE(hook.ok());
  return hook.ok() ? *hook : VoiceWebhook{};
}

// The session id in the first callback URL of a TwiML document, or "".
inline std::string sessionIdIn(const std::string& twiml) {
  std::smatch m;
  static const std::regex re(R"(/twilio/voice/([A-Za-z0-9_-]{22})/)");
  return std::regex_search(twiml, m, re) ? m[1].str() : std::string();
}

inline int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

class VoiceFixture : public ::testing::Test {
 protected:
  VoiceFixture() : challenges_(customers_) {
    OtpDeps deps{customers_, challenges_, sms_, hasher_, random_, clock_, audit_, OtpConfig{}};
    functions_.add(std::make_unique<LookupCaller>(customers_, CallerIdTrust::kAttested));
    functions_.add(std::make_unique<SendOtp>(deps));
    functions_.add(std::make_unique<VerifyOtp>(deps));
    options_.queues["Agents"] = AgentTarget{AgentTarget::Kind::kSip, "sip:agents@pbx.example.com"};
  }

  // Builds the runtime with the shipped flow as the default plus `extra` flows by name.
  TwilioVoiceRuntime& build(std::map<std::string, std::string> byNumber = {},
                            std::map<std::string, std::shared_ptr<const flow::Flow>> extra = {}) {
    VoiceFlows flows;
    flows.defaultFlow = kShippedFlow;
    flows.byName[kShippedFlow] = loadFlowText(readSourceFile(kShippedFlow));
    for (auto& [name, f] : extra) flows.byName[name] = f;
    flows.byNumber = std::move(byNumber);
    runtime_ = std::make_unique<TwilioVoiceRuntime>(std::move(flows), options_, sessions_, *cipher_,
                                                    functions_, clock_, random_);
    return *runtime_;
  }

  void addCustomer(const std::string& phone, const std::string& first,
                   const std::string& language = "en-US") {
    customers_.rows[phone] = Customer{phone, first, "Lovelace", "Gold", language, clock_.now()};
  }

  FakeClock clock_;
  SequenceRandom random_;
  InMemoryCustomerStore customers_;
  InMemoryChallengeStore challenges_;
  RecordingSmsSender sms_;
  FakeCodeHasher hasher_;
  RecordingAuditLog audit_;
  InMemoryVoiceSessionStore sessions_;
  std::unique_ptr<StateCipher> cipher_ = testStateCipher();
  FunctionRegistry functions_;
  VoiceOptions options_;
  std::unique_ptr<TwilioVoiceRuntime> runtime_;
};

}  // namespace callgate::twilio_voice::testing
