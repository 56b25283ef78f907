#include <gtest/gtest.h>

#include "channels/sip_voice/verdict_headers.h"

namespace callgate::sip_voice {
namespace {

TEST(SipVoiceVerdictHeadersTest, VerdictFirstThenAttributesByKey) {
  const HeaderFields h = verdictHeaders({{"lastName", "Lovelace"},
                                         {"authMethod", "SmsOtp"},
                                         {"callerIdTrusted", "False"},
                                         {"firstName", "Ada"},
                                         {"recordFound", "True"},
                                         {"bad key", "x"},
                                         {"authenticated", "True"}});
  const HeaderFields expected{
      {"X-Callgate-Auth", "True"},        {"X-Callgate-Auth-Method", "SmsOtp"},
      {"X-Callgate-recordFound", "True"}, {"X-Callgate-callerIdTrusted", "False"},
      {"X-Callgate-firstName", "Ada"},    {"X-Callgate-lastName", "Lovelace"}};
  EXPECT_EQ(h, expected);
  EXPECT_TRUE(verdictHeaders({}).empty());
}

TEST(SipVoiceVerdictHeadersTest, AttributesCannotPoseAsTheVerdict) {
  const HeaderFields h = verdictHeaders({{"authenticated", "False"},
                                         {"auth", "True"},
                                         {"Auth-Method", "Pin"},
                                         {"firstName", "Ada"},
                                         {"firstname", "Eve"}});
  const HeaderFields expected{{"X-Callgate-Auth", "False"}, {"X-Callgate-firstName", "Ada"}};
  EXPECT_EQ(h, expected);
}

TEST(SipVoiceVerdictHeadersTest, ValuesCannotInjectHeaders) {
  const HeaderFields h = verdictHeaders({{"authenticated", "True\r\nX-Callgate-Auth: True"},
                                         {"firstName", " Ren\xC3\xA9\te\x01\x7f "}});
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].second, "TrueX-Callgate-Auth: True");
  EXPECT_EQ(h[1].second, "Ren\xC3\xA9 e");
  for (const auto& [name, value] : h) {
    EXPECT_EQ(value.find_first_of("\r\n"), std::string::npos);
  }
}

TEST(SipVoiceVerdictHeadersTest, BoundedWithTheVerdictKept) {
  const HeaderFields h = verdictHeaders({{"authenticated", "False"},
                                         {"authMethod", "None"},
                                         {"recordFound", "True"},
                                         {"aaa", std::string(3000, 'x')},
                                         {"bbb", std::string(1500, 'y')},
                                         {"ccc", std::string(1500, 'z')},
                                         {"zzz", "kept"}});
  size_t total = 0;
  std::vector<std::string> names;
  for (const auto& [name, value] : h) {
    total += name.size() + value.size() + 4;
    names.push_back(name);
  }
  EXPECT_LE(total, kMaxVerdictHeaderBytes);
  const std::vector<std::string> expected{"X-Callgate-Auth", "X-Callgate-Auth-Method",
                                          "X-Callgate-recordFound", "X-Callgate-bbb",
                                          "X-Callgate-zzz"};
  EXPECT_EQ(names, expected);
}

}  // namespace
}  // namespace callgate::sip_voice
