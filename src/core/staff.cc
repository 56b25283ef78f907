#include "core/staff.h"

namespace callgate {

std::string_view staffRoleName(StaffRole role) {
  switch (role) {
    case StaffRole::kAgent:
      return "agent";
    case StaffRole::kSupervisor:
      return "supervisor";
    case StaffRole::kAdmin:
      return "admin";
  }
  return "agent";
}

std::optional<StaffRole> parseStaffRole(std::string_view name) {
  for (StaffRole role : {StaffRole::kAgent, StaffRole::kSupervisor, StaffRole::kAdmin}) {
    if (staffRoleName(role) == name) return role;
  }
  return std::nullopt;
}

}  // namespace callgate
