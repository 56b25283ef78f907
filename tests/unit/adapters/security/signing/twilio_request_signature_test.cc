// Twilio request validation against Twilio's published examples (WIRE.md §3, from twilio-python's
// request validator tests), and tampering in every part.
#include <gtest/gtest.h>

#include "adapters/security/signing/twilio_signature.h"

namespace callgate::twilio {
namespace {

const char* kToken = "12345";
const char* kUrl = "https://mycompany.com/myapp.php?foo=1&bar=2";
const FormParams kParams{{"CallSid", "CA1234567890ABCDE"},
                         {"Caller", "+14158675309"},
                         {"Digits", "1234"},
                         {"From", "+14158675309"},
                         {"To", "+18005551212"}};

TEST(TwilioSignatureTest, ComputesThePublishedSignature) {
  EXPECT_EQ(computeSignature(kUrl, kParams, kToken), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_TRUE(validate(kUrl, kParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", kToken));
}

TEST(TwilioSignatureTest, ParameterOrderDoesNotMatter) {
  FormParams shuffled(kParams.rbegin(), kParams.rend());
  EXPECT_TRUE(validate(kUrl, shuffled, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", kToken));
}

TEST(TwilioSignatureTest, AcceptsTheUrlWithOrWithoutTheDefaultPort) {
  EXPECT_EQ(computeSignature("https://mycompany.com:443/myapp.php?foo=1&bar=2", kParams, kToken),
            "kvajT1Ptam85bY51eRf/AJRuM3w=");
  // Twilio signed the URL with :443 and we know it without the port, and the other way round.
  EXPECT_TRUE(validate(kUrl, kParams, "kvajT1Ptam85bY51eRf/AJRuM3w=", kToken));
  EXPECT_TRUE(validate("https://mycompany.com:443/myapp.php?foo=1&bar=2", kParams,
                       "RSOYDt4T1cUTdK1PDd93/VVr8B8=", kToken));
  EXPECT_TRUE(validate("http://mycompany.com:80/myapp.php?foo=1&bar=2", kParams,
                       "0ZXoZLH/DfblKGATFgpif+LLRf4=", kToken));
  EXPECT_TRUE(validate("http://mycompany.com/myapp.php?foo=1&bar=2", kParams,
                       "0ZXoZLH/DfblKGATFgpif+LLRf4=", kToken));
  // A non-default port is part of the URL: no alternate form.
  EXPECT_FALSE(validate("https://mycompany.com:8443/myapp.php?foo=1&bar=2", kParams,
                        "RSOYDt4T1cUTdK1PDd93/VVr8B8=", kToken));
}

TEST(TwilioSignatureTest, RepeatedParametersAreSortedByValue) {
  const FormParams params{
      {"Digits", "5678"}, {"Digits", "1234"}, {"Sid", "CA123"}, {"SidAccount", "AC123"}};
  EXPECT_EQ(computeSignature(kUrl, params, kToken), "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
  EXPECT_TRUE(validate(kUrl, params, "IK+Dwps556ElfBT0I3Rgjkr1wJU=", kToken));
}

TEST(TwilioSignatureTest, JsonBodyIsCheckedThroughBodySha256) {
  const std::string body = R"({"property": "value", "boolean": true})";
  const std::string url =
      std::string(kUrl) +
      "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
  EXPECT_TRUE(validateJsonBody(url, body, "a9nBmqA0ju/hNViExpshrM61xv4=", kToken));
  EXPECT_FALSE(validateJsonBody(url, R"({"property": "other", "boolean": true})",
                                "a9nBmqA0ju/hNViExpshrM61xv4=", kToken));
  EXPECT_FALSE(validateJsonBody(kUrl, body, "a9nBmqA0ju/hNViExpshrM61xv4=", kToken));
}

TEST(TwilioSignatureTest, RejectsEveryTampering) {
  const char* good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
  FormParams changedValue = kParams;
  changedValue[2].second = "1235";
  EXPECT_FALSE(validate(kUrl, changedValue, good, kToken));
  FormParams extra = kParams;
  extra.emplace_back("Extra", "1");
  EXPECT_FALSE(validate(kUrl, extra, good, kToken));
  FormParams missing(kParams.begin(), kParams.end() - 1);
  EXPECT_FALSE(validate(kUrl, missing, good, kToken));
  EXPECT_FALSE(validate("https://mycompany.com/myapp.php?foo=1&bar=3", kParams, good, kToken));
  EXPECT_FALSE(validate("http://mycompany.com/myapp.php?foo=1&bar=2", kParams, good, kToken));
  EXPECT_FALSE(validate(kUrl, kParams, good, "12346"));
  EXPECT_FALSE(validate(kUrl, kParams, "RSOYDt4T1cUTdK1PDd93/VVr8B9=", kToken));
  EXPECT_FALSE(validate(kUrl, kParams, "RSOYDt4T1cUTdK1PDd93/VVr8B8", kToken));
  EXPECT_FALSE(validate(kUrl, kParams, "", kToken));
  EXPECT_FALSE(validate(kUrl, kParams, good, ""));
}

TEST(TwilioSignatureTest, RepeatedNamesAreSortedByValue) {
  const FormParams params{
      {"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"}};
  EXPECT_EQ(computeSignature("https://mycompany.com/myapp.php?foo=1&bar=2", params, "12345"),
            "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

}  // namespace
}  // namespace callgate::twilio
