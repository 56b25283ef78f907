// Test support for the Twilio voice runtime and route tests: the shared channel fixture (built-in
// functions over the fakes, the shipped flow; see channel_test_support.h) with a Twilio runtime,
// and helpers to read the TwiML answers.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>

#include "channels/twilio_voice/parked_call.h"
#include "channels/twilio_voice/voice_runtime.h"
#include "unit/channels/common/channel_test_support.h"

namespace callgate::twilio_voice::testing {

using namespace callgate::testing;  // NOLINT: test support

inline constexpr const char* kBase = "https://callgate.example.com";
inline constexpr size_t kSecretBytes = 32;

// The voice_sessions cipher for a test OTP secret of 32 times `fill`.
inline std::unique_ptr<StateCipher> testStateCipher(char fill = 'k') {
  auto cipher = voiceStateCipher(std::string(kSecretBytes, fill));
  EXPECT_TRUE(cipher.ok());
  return cipher.ok() ? std::move(cipher).value() : nullptr;
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

class VoiceFixture : public ChannelFixture {
 protected:
  VoiceFixture() {
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

  InMemoryVoiceSessionStore sessions_;
  std::unique_ptr<StateCipher> cipher_ = testStateCipher();
  VoiceOptions options_;
  std::unique_ptr<TwilioVoiceRuntime> runtime_;
};

}  // namespace callgate::twilio_voice::testing
