// Staff of the contact center who use the console: agents (see the calls handed to them),
// supervisors (also look after customers, calls, SMS and flows) and admins (also change customers
// and manage nothing less than everything). Roles are ordered: a higher role may do what a lower
// one may. Pure values; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace callgate {

enum class StaffRole { kAgent = 0, kSupervisor = 1, kAdmin = 2 };

// "agent" | "supervisor" | "admin".
std::string_view staffRoleName(StaffRole role);
// The role named `name` (exactly as staffRoleName spells it), or nullopt.
std::optional<StaffRole> parseStaffRole(std::string_view name);
// Whether `role` may do what `required` may.
inline bool roleAtLeast(StaffRole role, StaffRole required) {
  return static_cast<int>(role) >= static_cast<int>(required);
}

}  // namespace callgate
