#include "core/challenge.h"

namespace callgate {

const char* challengeStateName(ChallengeState s) {
  switch (s) {
    case ChallengeState::kActive:
      return "active";
    case ChallengeState::kVerified:
      return "verified";
    case ChallengeState::kVoided:
      return "voided";
    case ChallengeState::kLocked:
      return "locked";
  }
  return "active";
}

bool parseChallengeState(const std::string& name, ChallengeState* out) {
  for (auto s : {ChallengeState::kActive, ChallengeState::kVerified, ChallengeState::kVoided,
                 ChallengeState::kLocked}) {
    if (name == challengeStateName(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

}  // namespace callgate
