#include "core/member.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

// 2027-01-15T08:00:00Z
const TimePoint kNow = fromUnixMillis(1'800'000'000'000);

MemberInput valid() { return MemberInput{"  Grace Hopper ", "spouse", "1990-02-28", ""}; }

std::string errorOf(const MemberInput& in) {
  auto r = validateMemberInput(in, kNow);
  return r.ok() ? "" : r.error().message();
}

TEST(MemberTest, AcceptsAndNormalisesAValidMember) {
  MemberInput in = valid();
  in.phone = "+1 (415) 555-0123";
  auto r = validateMemberInput(in, kNow);
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->name, "Grace Hopper");
  EXPECT_EQ(r->relationship, "spouse");
  EXPECT_EQ(r->dateOfBirth, "1990-02-28");
  EXPECT_EQ(r->phone, "+14155550123");
  EXPECT_TRUE(validateMemberInput(valid(), kNow)->phone.empty());
}

TEST(MemberTest, EveryRelationshipIsAcceptedAndNothingElse) {
  for (const std::string& rel : memberRelationships()) {
    MemberInput in = valid();
    in.relationship = rel;
    EXPECT_TRUE(validateMemberInput(in, kNow).ok()) << rel;
  }
  for (const char* rel : {"", "Spouse", "friend", "spouse "}) {
    MemberInput in = valid();
    in.relationship = rel;
    EXPECT_EQ(errorOf(in).rfind("relationship", 0), 0u) << rel;
  }
}

TEST(MemberTest, NameMustBePresentPrintableAndShort) {
  MemberInput in = valid();
  in.name = "   ";
  EXPECT_EQ(errorOf(in), "name is required");
  in.name = std::string(101, 'a');
  EXPECT_EQ(errorOf(in).rfind("name must be at most 100", 0), 0u);
  in.name = std::string(100, 'a');
  EXPECT_EQ(errorOf(in), "");
  in.name = "Zoë 李";
  EXPECT_EQ(errorOf(in), "");
  for (std::string bad :
       {std::string("a\nb"), std::string("a\x01"), std::string("\xC3"), std::string("\xC0\xAF"),
        std::string("\xED\xA0\x80"), std::string("a\x7F"), std::string("\xC2\x85")}) {
    in.name = bad;
    EXPECT_EQ(errorOf(in).rfind("name contains", 0), 0u) << bad;
  }
}

TEST(MemberTest, DateOfBirthMustBeARealPastDateWithinOneHundredThirtyYears) {
  auto withDob = [](const std::string& dob) {
    MemberInput in = valid();
    in.dateOfBirth = dob;
    return errorOf(in);
  };
  EXPECT_EQ(withDob("2000-02-29"), "");  // a leap day
  EXPECT_EQ(withDob("2027-01-14"), "");  // yesterday
  for (const char* bad :
       {"", "1990-2-28", "1990/02/28", "1990-02-30", "1990-13-01", "1990-00-10", "1900-02-29",
        "19900228", "1990-02-28T00:00", "abcd-ef-gh", "+990-02-28"}) {
    EXPECT_EQ(withDob(bad), "dateOfBirth must be a date written YYYY-MM-DD") << bad;
  }
  EXPECT_EQ(withDob("2027-01-15"), "dateOfBirth must be a date in the past");  // today
  EXPECT_EQ(withDob("2030-05-01"), "dateOfBirth must be a date in the past");
  EXPECT_EQ(withDob("1897-01-15"), "");  // exactly 130 years
  EXPECT_EQ(withDob("1897-01-14"), "dateOfBirth must be at most 130 years ago");
  EXPECT_EQ(withDob("1066-10-14"), "dateOfBirth must be at most 130 years ago");
}

TEST(MemberTest, PhoneIsOptionalButMustBeValidWhenGiven) {
  MemberInput in = valid();
  in.phone = "12";
  EXPECT_EQ(errorOf(in).rfind("phone", 0), 0u);
  in.phone = "  ";
  EXPECT_EQ(errorOf(in), "");
}

}  // namespace
}  // namespace callgate
