// Twilio's published request-validation examples (twilio-python
// tests/unit/test_request_validator.py, quoted in WIRE.md §3).
#include <gtest/gtest.h>

#include "adapters/twilio/request_signature.h"

namespace callgate::twilio {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

const Pairs kParams{{"CallSid", "CA1234567890ABCDE"},
                    {"Caller", "+14158675309"},
                    {"Digits", "1234"},
                    {"From", "+14158675309"},
                    {"To", "+18005551212"}};
constexpr const char* kToken = "12345";
constexpr const char* kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";

TEST(TwilioSignatureTest, PublishedExample) {
  EXPECT_EQ(computeRequestSignature(kUrl, kParams, kToken), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_TRUE(validateRequestSignature(kUrl, kParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", kToken));
}

TEST(TwilioSignatureTest, ParameterOrderDoesNotMatter) {
  Pairs shuffled(kParams.rbegin(), kParams.rend());
  EXPECT_TRUE(validateRequestSignature(kUrl, shuffled, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", kToken));
}

TEST(TwilioSignatureTest, DefaultPortIsOptionalEitherWay) {
  EXPECT_EQ(
      computeRequestSignature("https://mycompany.com:443/myapp.php?foo=1&bar=2", kParams, kToken),
      "kvajT1Ptam85bY51eRf/AJRuM3w=");
  // Signed with the port, checked without it, and the other way round.
  EXPECT_TRUE(validateRequestSignature(kUrl, kParams, "kvajT1Ptam85bY51eRf/AJRuM3w=", kToken));
  EXPECT_TRUE(validateRequestSignature("https://mycompany.com:443/myapp.php?foo=1&bar=2", kParams,
                                       "RSOYDt4T1cUTdK1PDd93/VVr8B8=", kToken));
  EXPECT_TRUE(validateRequestSignature("http://mycompany.com:80/myapp.php?foo=1&bar=2", kParams,
                                       "0ZXoZLH/DfblKGATFgpif+LLRf4=", kToken));
  // Another port is part of the URL: no match.
  EXPECT_FALSE(validateRequestSignature("https://mycompany.com:8443/myapp.php?foo=1&bar=2", kParams,
                                        "RSOYDt4T1cUTdK1PDd93/VVr8B8=", kToken));
}

TEST(TwilioSignatureTest, RepeatedNamesAreSortedByValue) {
  const Pairs params{
      {"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"}};
  EXPECT_EQ(computeRequestSignature(kUrl, params, kToken), "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

TEST(TwilioSignatureTest, RejectsAnyChange) {
  const std::string good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
  Pairs changed = kParams;
  changed[2].second = "1235";
  EXPECT_FALSE(validateRequestSignature(kUrl, changed, good, kToken));
  EXPECT_FALSE(validateRequestSignature("https://mycompany.com/myapp.php?foo=1&bar=3", kParams,
                                        good, kToken));
  EXPECT_FALSE(validateRequestSignature(kUrl, kParams, good, "12346"));
  EXPECT_FALSE(validateRequestSignature(kUrl, kParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8", kToken));
  EXPECT_FALSE(validateRequestSignature(kUrl, kParams, "", kToken));
  EXPECT_FALSE(validateRequestSignature(kUrl, kParams, good, ""));
}

}  // namespace
}  // namespace callgate::twilio
