// core/verdict.h: the verdict's header names and order (shared by the SIP REFER and the Twilio
// <Sip> URI) and what the agent may be told.
#include "core/verdict.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

TEST(VerdictTest, HeaderNamesAreSharedByTheChannels) {
  EXPECT_EQ(verdictHeaderName("authenticated"), "X-Callgate-Auth");
  EXPECT_EQ(verdictHeaderName("authMethod"), "X-Callgate-Auth-Method");
  EXPECT_EQ(verdictHeaderName("firstName"), "X-Callgate-firstName");
  EXPECT_EQ(verdictHeaderName("cust-Level2"), "X-Callgate-cust-Level2");
  EXPECT_EQ(verdictHeaderName("bad key"), "");
  EXPECT_EQ(verdictHeaderName("x:y"), "");
  EXPECT_EQ(verdictHeaderName("a\r\nVia"), "");
  EXPECT_EQ(verdictHeaderName(""), "");
  EXPECT_EQ(verdictHeaderName(std::string(65, 'a')), "");
}

TEST(VerdictTest, OrderedFieldsKeepRawValues) {
  const HeaderFields f = orderedVerdictFields({{"note", "a&b c"}, {"authenticated", "True"}});
  const HeaderFields expected{{"X-Callgate-Auth", "True"}, {"X-Callgate-note", "a&b c"}};
  EXPECT_EQ(f, expected);
}

TEST(VerdictTest, CustomerAttributesOnlyWhenAuthenticated) {
  const VerdictAttributes verified{
      {"authenticated", "True"}, {"authMethod", "SmsOtp"}, {"firstName", "Ada"}};
  EXPECT_EQ(agentAttributes(verified), verified);
  const VerdictAttributes unverified{{"authenticated", "False"}, {"authMethod", "None"},
                                     {"recordFound", "True"},    {"callerIdTrusted", "False"},
                                     {"firstName", "Ada"},       {"custLevel", "Gold"}};
  EXPECT_EQ(agentAttributes(unverified), (VerdictAttributes{{"authenticated", "False"},
                                                            {"authMethod", "None"},
                                                            {"recordFound", "True"},
                                                            {"callerIdTrusted", "False"}}));
}

TEST(VerdictTest, TheAgentAlwaysGetsAVerdictEvenWhenTheFlowSetNone) {
  // A flow written for Connect that never set "authenticated", or set something else.
  EXPECT_EQ(agentAttributes({{"verified", "false"}, {"firstName", "Ada"}}),
            (VerdictAttributes{{"authenticated", "False"}}));
  EXPECT_EQ(agentAttributes({{"authenticated", "true"}, {"authMethod", "Pin"}}),
            (VerdictAttributes{{"authenticated", "False"}, {"authMethod", "Pin"}}));
}

TEST(VerdictTest, IsAuthenticatedOnlyOnTrue) {
  EXPECT_TRUE(isAuthenticated({{"authenticated", "True"}}));
  EXPECT_FALSE(isAuthenticated({{"authenticated", "False"}}));
  EXPECT_FALSE(isAuthenticated({{"authenticated", "true"}}));
  EXPECT_FALSE(isAuthenticated({{"recordFound", "True"}}));
}

TEST(VerdictTest, ValueOrWhatToShowWhenAbsent) {
  const VerdictAttributes a{{"authenticated", "True"}};
  EXPECT_EQ(verdictValue(a, kAuthenticatedKey), "True");
  EXPECT_EQ(verdictValue(a, kAuthMethodKey), "");
  EXPECT_EQ(verdictValue(a, kAuthMethodKey, kFalse), "False");
}

}  // namespace
}  // namespace callgate
