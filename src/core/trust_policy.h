// Caller-ID trust: whether a known calling number alone authenticates the caller.
// Caller ID can be spoofed; STIR/SHAKEN attestation "A" means the originating carrier vouches
// that the caller may use the number. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate {

enum class Attestation { kNone, kA, kB, kC };

enum class CallerIdTrust {
  kAny,       // any known number is authenticated (the behaviour of the classic Connect sample)
  kAttested,  // only with attestation A from the channel; otherwise the caller steps up (default)
};

// Accepts "A", "B", "C", "none"/"" (case-insensitive) and verstat values:
// "TN-Validation-Passed-A" -> A, "-B"/"-C" likewise; a plain "TN-Validation-Passed" carries no
// level and counts as B (validated, but not a full attestation); "TN-Validation-Failed*" and
// "No-TN-Validation" -> none. Anything else is kInvalidArgument.
Result<Attestation> parseAttestation(std::string_view text);
const char* attestationName(Attestation a);  // "A", "B", "C", "none"

Result<CallerIdTrust> parseCallerIdTrust(std::string_view text);  // "any" | "attested"
const char* callerIdTrustName(CallerIdTrust t);

bool isCallerIdTrusted(CallerIdTrust policy, Attestation attestation);

}  // namespace callgate
