// A one-time-code challenge sent to a phone number. Only a keyed hash of the code is kept.
#pragma once

#include <cstdint>
#include <string>

#include "core/time.h"

namespace callgate {

enum class ChallengeState {
  kActive,    // waiting for the caller to key the code
  kVerified,  // the code was keyed correctly; used up
  kVoided,    // replaced by a newer code for the same number
  kLocked,    // too many wrong codes
};

const char* challengeStateName(ChallengeState s);
bool parseChallengeState(const std::string& name, ChallengeState* out);

struct Challenge {
  int64_t id = 0;        // assigned by the store
  std::string phone;     // E.164
  std::string codeHash;  // keyed hash (see CodeHasher); never the code
  std::string language;  // enrolment language, from the call
  TimePoint createdAt{};
  TimePoint expiresAt{};
  int attempts = 0;  // wrong codes so far
  int maxAttempts = 5;
  ChallengeState state = ChallengeState::kActive;
};

}  // namespace callgate
