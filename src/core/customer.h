// The customer record: who a phone number belongs to. Plain value type.
#pragma once

#include <string>

#include "core/time.h"

namespace callgate {

struct Customer {
  std::string phone;      // E.164, unique key
  std::string firstName;
  std::string lastName;
  std::string level;      // custLevel in Connect terms, e.g. "Gold", "Welcome"
  std::string language;   // BCP 47 tag, e.g. "en-US"
  TimePoint createdAt{};

  bool operator==(const Customer&) const = default;
};

// Defaults for a caller enrolled by a verified one-time PIN.
inline constexpr const char* kEnrolledFirstName = "New";
inline constexpr const char* kEnrolledLastName = "Customer";
inline constexpr const char* kEnrolledLevel = "Welcome";
inline constexpr const char* kDefaultLanguage = "en-US";

}  // namespace callgate
