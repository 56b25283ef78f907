#include "core/phone.h"

#include <gtest/gtest.h>

#include <set>

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

TEST(PhoneTest, RejectsOverlongInput) { EXPECT_FALSE(normalizeE164(std::string(100, '1')).ok()); }

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

#include <phonenumbers/phonenumberutil.h>

namespace callgate {
namespace {

namespace pn = i18n::phonenumbers;

// The fast path for canonical input must agree with libphonenumber's own Parse+Format on every
// example number of every region and type, and on their near misses.
TEST(PhoneTest, FastPathAgreesWithParseOnEveryExampleNumber) {
  const pn::PhoneNumberUtil* util = pn::PhoneNumberUtil::GetInstance();
  std::set<std::string> regions;
  util->GetSupportedRegions(&regions);
  int checked = 0;
  for (const std::string& region : regions) {
    std::set<pn::PhoneNumberUtil::PhoneNumberType> types;
    util->GetSupportedTypesForRegion(region, &types);
    for (auto type : types) {
      pn::PhoneNumber example;
      if (!util->GetExampleNumberForType(region, type, &example)) continue;
      std::string e164;
      util->Format(example, pn::PhoneNumberUtil::E164, &e164);
      for (const std::string& text : {e164, e164 + "1", e164.substr(0, e164.size() - 1)}) {
        pn::PhoneNumber parsed;
        std::string expected = "invalid";
        if (util->Parse(text, "ZZ", &parsed) == pn::PhoneNumberUtil::NO_PARSING_ERROR &&
            util->IsValidNumber(parsed)) {
          expected.clear();
          util->Format(parsed, pn::PhoneNumberUtil::E164, &expected);
        }
        auto got = normalizeE164(text);
        EXPECT_EQ(got.ok() ? *got : "invalid", expected) << region << " " << text;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 2000);
}

TEST(E164Test, ParsesToTheCanonicalFormAndMasks) {
  auto n = E164::parse("(415) 555-2671", "US");
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(n->str(), "+14155552671");
  EXPECT_EQ(n->masked(), "+1415*****71");
  auto same = E164::parse("tel:+14155552671");
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*n, *same);
  auto other = E164::parse("+442071838750");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*n, *other);
  EXPECT_LT(*n, *other);  // by text: "+1..." < "+4..."
}

TEST(E164Test, RefusesWhatNormalizeRefusesWithTheSameError) {
  for (const char* bad : {"", "12345", "+1 415 555 26711", "4155552671", "+1415abc2671"}) {
    auto n = E164::parse(bad);
    auto s = normalizeE164(bad);
    ASSERT_FALSE(n.ok()) << bad;
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(n.error().message(), s.error().message()) << bad;
  }
}

}  // namespace
}  // namespace callgate
