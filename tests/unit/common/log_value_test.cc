#include "common/log_value.h"

#include <gtest/gtest.h>

#include <string>

namespace callgate {
namespace {

TEST(LogValueTest, QuotesPlainText) {
  EXPECT_EQ(logValue("abc123@10.0.0.7"), "\"abc123@10.0.0.7\"");
  EXPECT_EQ(logValue(""), "\"\"");
  EXPECT_EQ(logValue("two words"), "\"two words\"");
}

TEST(LogValueTest, EscapesWhatCouldForgeALine) {
  EXPECT_EQ(logValue("a\r\nlevel=error event=x"), "\"a\\r\\nlevel\\x3derror event\\x3dx\"");
  EXPECT_EQ(logValue("\x1b[31mred\x1b[0m"), "\"\\x1b[31mred\\x1b[0m\"");
  EXPECT_EQ(logValue("say \"hi\" \\ bye"), "\"say \\\"hi\\\" \\\\ bye\"");
  EXPECT_EQ(logValue(std::string("nul\0x\x7f", 6)), "\"nul\\x00x\\x7f\"");
  EXPECT_EQ(logValue("caf\xc3\xa9\t"), "\"caf\\xc3\\xa9\\t\"");
}

TEST(LogValueTest, CapsLongValuesAndCountsTheRest) {
  const std::string big(8192, 'A');
  const std::string v = logValue(big);
  EXPECT_EQ(v, "\"" + std::string(kLogValueMaxBytes, 'A') + "...[+" +
                   std::to_string(8192 - kLogValueMaxBytes) + " bytes]\"");
  EXPECT_EQ(logValue("abcdef", 3), "\"abc...[+3 bytes]\"");
}

TEST(LogValueTest, AForgedFieldStaysInsideTheQuotedValue) {
  const std::string v = logValue("id\" event=x level=\"error");
  EXPECT_EQ(v.find(" event="), std::string::npos) << v;
  EXPECT_EQ(v.front(), '"');
  EXPECT_EQ(v.back(), '"');
  // No unescaped quote between the two ends.
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '"') {
      EXPECT_EQ(v[i - 1], '\\') << v;
    }
  }
}

}  // namespace
}  // namespace callgate
