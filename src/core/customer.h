// The customer record: who a phone number belongs to. Plain value type.
#pragma once

#include <string>
#include <string_view>

#include "core/time.h"

namespace callgate {

struct Customer {
  std::string phone;  // E.164, unique key
  std::string firstName;
  std::string lastName;
  std::string level;     // custLevel in Connect terms, e.g. "Gold", "Welcome"
  std::string language;  // BCP 47 tag, e.g. "en-US"
  TimePoint createdAt{};
  // The account id for user id + PIN login and the `sub` of access tokens: 4 to 10 digits, unique
  // across customers; empty when the customer has none. Last and with an explicit `{}`, so that
  // aggregate initialisers written before it existed keep their meaning and stay warning-free.
  std::string userId{};

  bool operator==(const Customer&) const = default;
};

// Defaults for a caller enrolled by a verified one-time PIN.
inline constexpr const char* kEnrolledFirstName = "New";
inline constexpr const char* kEnrolledLastName = "Customer";
inline constexpr const char* kEnrolledLevel = "Welcome";
inline constexpr const char* kDefaultLanguage = "en-US";

// A user id has the shape of one: 4 to 10 ASCII digits. Says nothing about whether it exists.
inline bool isWellFormedUserId(std::string_view id) {
  if (id.size() < 4 || id.size() > 10) return false;
  for (char c : id) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A plausible BCP 47 language tag ("en-US", "es-419", "zh-Hant-TW"): letters, digits and
// hyphens, starting with a letter, at most 35 characters. Not a registry check.
inline bool isLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(tag[0])) return false;
  for (char c : tag) {
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '-') return false;
  }
  return true;
}

}  // namespace callgate
