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

bool isValidStaffUsername(std::string_view username) {
  if (username.empty() || username.size() > 64) return false;
  for (char c : username) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool isAcceptableStaffPassword(std::string_view password) {
  return password.size() >= kStaffPasswordMinChars && password.size() <= kStaffPasswordMaxChars;
}

}  // namespace callgate
