#include "functions/verify_otp.h"

#include "core/phone.h"
#include "core/verdict.h"
#include "functions/lookup_caller.h"

namespace callgate {

namespace {
StringMap outcome(const char* otpResult) {
  return {{"lambdaResult", "Success"},
          {"otpResult", otpResult},
          {std::string(kAuthenticatedKey), std::string(kFalse)}};
}
}  // namespace

Result<StringMap> VerifyOtp::invoke(const FunctionRequest& request) {
  auto codeIt = request.parameters.find("code");
  if (codeIt == request.parameters.end()) {
    return Error::invalidArgument("Details.Parameters.code is missing");
  }
  if (request.contact.customerAddress.empty()) return outcome("NoChallenge");
  auto caller = callerNumber(request.contact);
  if (!caller.ok()) return caller.error();
  const std::string& phone = caller->str();

  auto latest = deps_.challenges.latest(phone);
  if (!latest.ok()) return latest.error();
  if (!latest->has_value()) return outcome("NoChallenge");
  const Challenge& challenge = **latest;
  switch (challenge.state) {
    case ChallengeState::kLocked:
      return outcome("Locked");
    case ChallengeState::kVerified:
    case ChallengeState::kVoided:
      return outcome("NoChallenge");
    case ChallengeState::kActive:
      break;
  }
  const TimePoint now = deps_.clock.now();
  if (now >= challenge.expiresAt) return outcome("Expired");

  // A malformed entry is checked like any other wrong code, so it counts as an attempt too.
  const std::string& code = codeIt->second;
  const bool match = isWellFormedOtp(deps_.config, code) &&
                     deps_.hasher.matches(challenge.codeHash, otpHashInput(phone, code));
  return match ? onMatch(challenge, now, request.contact.contactId) : onMismatch(challenge);
}

Result<StringMap> VerifyOtp::onMatch(const Challenge& challenge, TimePoint now,
                                     const std::string& contactId) {
  auto existing = deps_.customers.findByPhone(challenge.phone);
  if (!existing.ok()) return existing.error();
  std::optional<Customer> enrollee;
  if (!existing->has_value()) {
    enrollee = Customer{challenge.phone,
                        kEnrolledFirstName,
                        kEnrolledLastName,
                        kEnrolledLevel,
                        challenge.language.empty() ? kDefaultLanguage : challenge.language,
                        now};
  }
  auto won = deps_.challenges.redeem(challenge.id, now, enrollee);
  if (!won.ok()) return won.error();
  if (!*won) return outcome("NoChallenge");  // used up concurrently

  auto customer = deps_.customers.findByPhone(challenge.phone);
  if (!customer.ok()) return customer.error();
  if (!customer->has_value()) return Error::internal("customer missing after enrolment");
  // Never Verified without callgate's own record of it: issue-action-link trusts nothing else.
  Status recorded =
      ledger_.record(contactId, kContactAuthOtp, (*customer)->userId, challenge.phone);
  if (!recorded.ok()) return recorded.error();

  const std::string masked = maskPhone(challenge.phone);
  deps_.audit.record("otp_verified",
                     {{"phone", masked}, {"challenge", std::to_string(challenge.id)}});
  if (enrollee) deps_.audit.record("customer_enrolled", {{"phone", masked}, {"method", "sms_otp"}});

  StringMap out = outcome("Verified");
  out[std::string(kAuthenticatedKey)] = kTrue;
  out["enrolled"] = enrollee ? "True" : "False";
  addCustomerAttributes(**customer, out);
  return out;
}

Result<StringMap> VerifyOtp::onMismatch(const Challenge& challenge) {
  auto after = deps_.challenges.recordFailure(challenge.id);
  if (!after.ok()) return after.error();
  const std::string masked = maskPhone(challenge.phone);
  if (after->state == ChallengeState::kLocked) {
    deps_.audit.record("otp_locked",
                       {{"phone", masked}, {"challenge", std::to_string(challenge.id)}});
    return outcome("Locked");
  }
  if (after->state != ChallengeState::kActive) return outcome("NoChallenge");
  deps_.audit.record("otp_failed", {{"phone", masked},
                                    {"challenge", std::to_string(challenge.id)},
                                    {"attempts", std::to_string(after->attempts)}});
  StringMap out = outcome("Invalid");
  out["attemptsRemaining"] = std::to_string(after->maxAttempts - after->attempts);
  return out;
}

}  // namespace callgate
