#include "core/phone.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

TEST(PhoneTest, KeepsValidE164) {
  auto r = normalizeE164("+14155552671");
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(*r, "+14155552671");
}

TEST(PhoneTest, StripsFormattingAndTelScheme) {
  EXPECT_EQ(*normalizeE164("+1 (415) 555-2671"), "+14155552671");
  EXPECT_EQ(*normalizeE164("tel:+442079460958"), "+442079460958");
  EXPECT_EQ(*normalizeE164("+44 20 7946 0958"), "+442079460958");
}

TEST(PhoneTest, UsesDefaultRegionForNationalNumbers) {
  EXPECT_EQ(*normalizeE164("(415) 555-2671", "US"), "+14155552671");
  EXPECT_EQ(*normalizeE164("020 7946 0958", "GB"), "+442079460958");
}

TEST(PhoneTest, RejectsNationalNumberWithoutRegion) {
  auto r = normalizeE164("4155552671");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("country code"), std::string::npos);
}

TEST(PhoneTest, RejectsGarbageShortAndInvalidNumbers) {
  for (const char* bad : {"", "hello", "+1555", "+1 555 0100 555 0100 55", "+999123456789",
                          "+1415555267a", "+1;DROP TABLE", "+10005550100"}) {
    auto r = normalizeE164(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
    }
  }
}

TEST(PhoneTest, RejectsOverlongInput) {
  EXPECT_FALSE(normalizeE164(std::string(100, '1')).ok());
}

TEST(PhoneTest, MasksAllButPrefixAndLastTwoDigits) {
  EXPECT_EQ(maskPhone("+14155552671"), "+1415*****71");
  EXPECT_EQ(maskPhone("+123"), "****");
}

}  // namespace
}  // namespace callgate

namespace callgate {
namespace {

TEST(PhoneTest, RecognisesTheE164Shape) {
  EXPECT_TRUE(looksLikeE164("+14155552671"));
  EXPECT_TRUE(looksLikeE164("+442079460958"));
  EXPECT_FALSE(looksLikeE164("14155552671"));
  EXPECT_FALSE(looksLikeE164("+1 415 555 2671"));
  EXPECT_FALSE(looksLikeE164("+0123456789"));
  EXPECT_FALSE(looksLikeE164("+123456"));
  EXPECT_FALSE(looksLikeE164("+1234567890123456"));
  EXPECT_FALSE(looksLikeE164(""));
}

}  // namespace
}  // namespace callgate
