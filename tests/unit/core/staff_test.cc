#include "core/staff.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

TEST(StaffRoleTest, NamesRoundTrip) {
  for (StaffRole role : {StaffRole::kAgent, StaffRole::kSupervisor, StaffRole::kAdmin}) {
    EXPECT_EQ(parseStaffRole(staffRoleName(role)), role);
  }
}

TEST(StaffRoleTest, RejectsUnknownAndDifferentlySpelledNames) {
  EXPECT_FALSE(parseStaffRole(""));
  EXPECT_FALSE(parseStaffRole("Admin"));
  EXPECT_FALSE(parseStaffRole("root"));
  EXPECT_FALSE(parseStaffRole("agent "));
}

TEST(StaffRoleTest, HigherRolesMayDoWhatLowerOnesMay) {
  EXPECT_TRUE(roleAtLeast(StaffRole::kAdmin, StaffRole::kAgent));
  EXPECT_TRUE(roleAtLeast(StaffRole::kSupervisor, StaffRole::kSupervisor));
  EXPECT_FALSE(roleAtLeast(StaffRole::kAgent, StaffRole::kSupervisor));
  EXPECT_FALSE(roleAtLeast(StaffRole::kSupervisor, StaffRole::kAdmin));
}

}  // namespace
}  // namespace callgate
