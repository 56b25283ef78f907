#include "core/trust_policy.h"

#include "common/text.h"

namespace callgate {

Result<Attestation> parseAttestation(std::string_view text) {
  const std::string t = toLowerAscii(text);
  if (t.empty() || t == "none") return Attestation::kNone;
  if (t == "a" || t == "tn-validation-passed-a") return Attestation::kA;
  if (t == "b" || t == "tn-validation-passed-b" || t == "tn-validation-passed")
    return Attestation::kB;
  if (t == "c" || t == "tn-validation-passed-c") return Attestation::kC;
  if (t.rfind("tn-validation-failed", 0) == 0 || t == "no-tn-validation" || t == "null") {
    return Attestation::kNone;
  }
  return Error::invalidArgument("unknown attestation '" + std::string(text) +
                                "' (expected A, B, C, none or a verstat value)");
}

const char* attestationName(Attestation a) {
  switch (a) {
    case Attestation::kA:
      return "A";
    case Attestation::kB:
      return "B";
    case Attestation::kC:
      return "C";
    case Attestation::kNone:
      return "none";
  }
  return "none";
}

Result<CallerIdTrust> parseCallerIdTrust(std::string_view text) {
  const std::string t = toLowerAscii(text);
  if (t == "any") return CallerIdTrust::kAny;
  if (t == "attested") return CallerIdTrust::kAttested;
  return Error::invalidArgument("caller_id_trust must be 'any' or 'attested', not '" +
                                std::string(text) + "'");
}

const char* callerIdTrustName(CallerIdTrust t) {
  return t == CallerIdTrust::kAny ? "any" : "attested";
}

bool isCallerIdTrusted(CallerIdTrust policy, Attestation attestation) {
  return policy == CallerIdTrust::kAny || attestation == Attestation::kA;
}

}  // namespace callgate
