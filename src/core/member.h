// Members of an account (a spouse, a child, ...), added by the account holder through a
// single-use link. MemberInput is what the holder typed; validateMemberInput() checks and
// normalises it. Pure value types and checks; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

struct MemberInput {
  std::string name;
  std::string relationship;  // one of memberRelationships()
  std::string dateOfBirth;   // YYYY-MM-DD
  std::string phone;         // optional; any format libphonenumber reads, stored as E.164
};

struct Member {
  int64_t id = 0;             // assigned by the store
  std::string accountUserId;  // the account holder's user id
  std::string name;
  std::string relationship;
  std::string dateOfBirth;
  std::string phone;  // E.164 or empty
  TimePoint createdAt{};

  bool operator==(const Member&) const = default;
};

inline constexpr size_t kMemberNameMaxChars = 100;  // bytes of UTF-8, after trimming
inline constexpr int kMemberMaxAgeYears = 130;

// spouse, partner, child, parent, other.
const std::vector<std::string>& memberRelationships();

// Checks every field and returns the normalised input: the name trimmed (1..100 bytes, no control
// characters, valid UTF-8), the relationship one of memberRelationships(), the date of birth a
// real YYYY-MM-DD date before today (UTC, at `now`) and at most 130 years ago, the phone empty or
// a valid number in E.164. The error is kInvalidArgument and names the field first, e.g.
// "dateOfBirth must be a date in the past".
Result<MemberInput> validateMemberInput(const MemberInput& input, TimePoint now);

}  // namespace callgate
