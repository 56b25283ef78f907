// Test support shared by the voice channels' tests (SIP, Twilio): the real built-in functions
// (lookup-caller, send-otp, verify-otp) over the in-memory fakes, the shipped flow, and a random
// source that gives every session its own id. Header only; files that read the repository need
// CALLGATE_SOURCE_DIR (tests/CMakeLists.txt defines it for binaries that include this).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "core/flow/flow.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/builtin.h"
#include "functions/lookup_caller.h"
#include "functions/send_otp.h"
#include "functions/verify_otp.h"

namespace callgate::testing {

inline constexpr const char* kUnknown = "+14155550123";
inline constexpr const char* kKnown = "+14155550100";
inline constexpr const char* kDialled = "+18005550100";
inline constexpr const char* kShippedFlow = "flows/caller-id-otp.json";

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

// The fakes and a registry with the built-in functions the shipped flow calls.
class ChannelFixture : public ::testing::Test {
 protected:
  ChannelFixture() : challenges_(customers_) {
    OtpDeps deps{customers_, challenges_, sms_, hasher_, random_, clock_, audit_, OtpConfig{}};
    functions_.add(std::make_unique<LookupCaller>(customers_, CallerIdTrust::kAttested));
    functions_.add(std::make_unique<SendOtp>(deps));
    functions_.add(std::make_unique<VerifyOtp>(deps, ledger_));
  }

  void addCustomer(const std::string& phone, const std::string& first,
                   const std::string& language = "en-US") {
    customers_.rows[phone] = Customer{phone, first, "Lovelace", "Gold", language, clock_.now()};
  }

  FakeClock clock_;
  SequenceRandom random_;
  InMemoryCustomerStore customers_;
  InMemoryChallengeStore challenges_;
  InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_{contactAuth_, customers_, clock_};
  RecordingSmsSender sms_;
  FakeCodeHasher hasher_;
  RecordingAuditLog audit_;
  FunctionRegistry functions_;
};

}  // namespace callgate::testing
